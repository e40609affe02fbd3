package dev.orchard.registry;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.registry.*}.
 *
 * @param workDir where artifacts are copied (and verified) while a model loads; emptied after
 * @param refreshInterval how often a served model's alias is checked for a new champion
 * @param importRoot the only directory on the worker that bring-your-own-model imports may read
 *     from (exports in directories under it; symbolic links are not followed); empty = imports come
 *     from {@code gs://} prefixes only
 * @param importAllowedOps TensorFlow ops an imported SavedModel may use although Orchard refuses them
 *     by default (file, print, Python and remote ops; see {@code SavedModelOps}), by exact name
 */
@Validated
@ConfigurationProperties("orchard.registry")
public record RegistryProperties(
        @DefaultValue("${java.io.tmpdir}/orchard-models") @NotNull
        Path workDir,

        @DefaultValue("2s") @NotNull Duration refreshInterval,
        Path importRoot,
        List<String> importAllowedOps) {

    public RegistryProperties {
        importAllowedOps = importAllowedOps == null ? List.of() : List.copyOf(importAllowedOps);
    }
}

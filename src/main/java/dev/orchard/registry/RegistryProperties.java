package dev.orchard.registry;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.registry.*}.
 *
 * @param workDir where artifacts are copied (and verified) while a model loads; emptied after
 * @param refreshInterval how often a served model's alias is checked for a new champion
 */
@Validated
@ConfigurationProperties("orchard.registry")
public record RegistryProperties(
        @DefaultValue("${java.io.tmpdir}/orchard-models") @NotNull
        Path workDir,

        @DefaultValue("2s") @NotNull Duration refreshInterval) {}

package dev.orchard.training;

import jakarta.validation.constraints.NotBlank;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.bootstrap.*}: the first-start sample model of the embedded default.
 *
 * @param enabled train the sample model at start-up when {@code model} has no champion
 * @param model the model name to create
 * @param prefix the training prefix in the data bucket; seeded with the bundled Fashion-MNIST subset
 *     when it holds no images
 * @param trainer the trainer type
 * @param params the trainer's parameters
 */
@Validated
@ConfigurationProperties("orchard.bootstrap")
public record BootstrapProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("fashion") @NotBlank String model,
        @DefaultValue("training/") @NotBlank String prefix,
        @DefaultValue(TribuoCartTrainer.TYPE) @NotBlank String trainer,
        Map<String, Object> params) {}

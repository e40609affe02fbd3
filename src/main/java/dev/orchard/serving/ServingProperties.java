package dev.orchard.serving;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.serving.*}.
 *
 * @param topK how many ranked labels a classification returns
 */
@Validated
@ConfigurationProperties("orchard.serving")
public record ServingProperties(
        @DefaultValue("3") @Min(1) @Max(100) int topK) {}

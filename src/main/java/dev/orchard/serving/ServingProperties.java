package dev.orchard.serving;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.serving.*}.
 *
 * @param topK how many ranked labels a classification returns
 * @param batching dynamic batching of concurrent requests (TF Serving style)
 */
@Validated
@ConfigurationProperties("orchard.serving")
public record ServingProperties(
        @DefaultValue("3") @Min(1) @Max(100) int topK,
        @DefaultValue Batching batching) {

    /**
     * @param enabled coalesce concurrent requests for the same model version into one inference call
     * @param maxBatchSize most images in one inference call
     * @param maxWait how long the first image of a batch may wait for company
     * @param queueCapacity images waiting for inference; beyond it requests get 503 with Retry-After
     * @param threads inference threads
     */
    public record Batching(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("32") @Min(1) @Max(1024) int maxBatchSize,
            @DefaultValue("2ms") @NotNull Duration maxWait,
            @DefaultValue("256") @Min(1) int queueCapacity,
            @DefaultValue("2") @Min(1) int threads) {}
}

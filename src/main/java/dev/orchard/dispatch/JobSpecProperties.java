package dev.orchard.dispatch;

import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.jobs.*}.
 *
 * @param location the directory holding {@code *.yaml} job specs
 * @param workers how many jobs run at once on this worker
 * @param queueCapacity how many launched jobs may wait for a worker before new requests are refused
 *     (and retried by their trigger)
 */
@Validated
@ConfigurationProperties("orchard.jobs")
public record JobSpecProperties(
        @DefaultValue("./jobs") @NotNull Path location,
        @DefaultValue("2") int workers,
        @DefaultValue("1000") int queueCapacity) {}

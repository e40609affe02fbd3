package dev.orchard.prefixscoring;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.prefix-jobs.remote.*}: partitions of prefix jobs offered to every replica over
 * Pub/Sub (needs {@code orchard.pubsub.enabled} and a job repository the replicas share).
 *
 * @param enabled publish partitions instead of running them on this worker's threads only
 * @param topic where partition requests are published
 * @param subscription where this worker takes partition requests from (one subscription shared by
 *     all replicas, so each request goes to one of them)
 * @param pollInterval how often the submitting worker checks the partitions' progress
 * @param timeout how long the submitting worker waits for all partitions before failing the step
 */
@Validated
@ConfigurationProperties("orchard.prefix-jobs.remote")
public record RemotePartitionProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("orchard-partitions") @NotNull String topic,
        @DefaultValue("orchard-partitions") @NotNull String subscription,
        @DefaultValue("1s") @NotNull Duration pollInterval,
        @DefaultValue("24h") @NotNull Duration timeout) {}

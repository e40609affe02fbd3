package dev.orchard.prefixscoring;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.prefix-jobs.*}.
 *
 * @param threads partitions scored at once on this worker (decoding overlaps inference across them)
 * @param partitions most partitions a job is split into unless its request says; a failed partition
 *     restarts alone
 * @param minPartitionChunks fewest chunks a partition holds when the job has enough of them (partitions
 *     then come in whole rounds of {@code threads}, and never fewer than {@code threads}): a short
 *     partition leaves cores idle at its start and end
 * @param chunkSize images per chunk: one transaction, one shard, one batched inference call
 * @param inferenceBatchSize most images per inference call (a chunk is scored in calls of this size)
 * @param topK ranked labels per prediction line
 * @param concurrentJobs prefix jobs running at once on this worker
 * @param maxAttempts executions a job gets (first run plus automatic restarts after a crash)
 * @param resumeInterval how often failed jobs left by a crash are looked for and restarted
 * @param readAttempts tries to read one object before it becomes an errors row
 */
@Validated
@ConfigurationProperties("orchard.prefix-jobs")
public record PrefixJobProperties(
        @DefaultValue("2") @Min(1) @Max(64) int threads,
        @DefaultValue("16") @Min(1) @Max(10_000) int partitions,
        @DefaultValue("8") @Min(1) @Max(10_000) int minPartitionChunks,
        @DefaultValue("128") @Min(1) @Max(10_000) int chunkSize,
        @DefaultValue("32") @Min(1) @Max(1024) int inferenceBatchSize,
        @DefaultValue("3") @Min(1) @Max(100) int topK,
        @DefaultValue("1") @Min(1) @Max(16) int concurrentJobs,
        @DefaultValue("3") @Min(1) @Max(100) int maxAttempts,
        @DefaultValue("30s") @NotNull Duration resumeInterval,
        @DefaultValue("4") @Min(1) @Max(20) int readAttempts) {}

package dev.orchard.uploads;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.jobs.*}: how uploads are gathered into windows and claimed.
 *
 * @param workers how many jobs run at once on this worker
 * @param queueCapacity how many formed windows may wait for a worker before new ones are refused
 *     (their triggers offer them again later)
 * @param window how long uploads are gathered before their window is scored
 * @param maxWindowSize the most uploads in one window: one {@code score-uploads} job execution, one
 *     ledger transaction to claim them and one to mark them done; a window holds only references,
 *     so under load larger windows spread the per-window work over more uploads
 * @param inferenceBatchSize the most uploads decoded and classified in one inference call (a window
 *     is scored in batches of this size: decoded images are held for one batch at a time)
 * @param ioThreads threads for the storage calls of windows (reads and result writes), shared by
 *     all of this worker's windows, so a window waits its round trips side by side; 0 runs them on
 *     the window's thread. Default: 16 on Cloud Storage, where each call waits a network round
 *     trip; 0 on the local store, whose calls take microseconds of the same cores
 * @param readAhead how many uploads a window may have read, or being read, ahead of the one it
 *     decodes; with {@code workers} it bounds the upload bytes held at once ({@code workers ×
 *     readAhead × orchard.images.max-bytes})
 * @param claimLease how long a worker's claim on an upload holds unless renewed; a live worker
 *     renews the claims it is working on every third of it, so a claim runs out only when its
 *     worker died or stopped working on it
 * @param workerId this worker's name in the ledger; defaults to a name kept in the local data
 *     directory (so a restarted worker recognises its own claims), else host name and process id
 */
@Validated
@ConfigurationProperties("orchard.jobs")
public record UploadProperties(
        @DefaultValue("2") @Min(1) int workers,
        @DefaultValue("100") @Min(1) int queueCapacity,
        @DefaultValue("200ms") @NotNull Duration window,
        @DefaultValue("256") @Min(1) @Max(4096) int maxWindowSize,
        @DefaultValue("32") @Min(1) @Max(1024) int inferenceBatchSize,
        @Min(0) @Max(256) Integer ioThreads,
        @DefaultValue("8") @Min(1) @Max(256) int readAhead,
        @DefaultValue("30s") @NotNull Duration claimLease,
        String workerId) {}

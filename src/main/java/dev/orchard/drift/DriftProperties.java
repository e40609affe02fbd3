package dev.orchard.drift;

import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.drift.*}: how live traffic is counted and compared with each version's baseline.
 *
 * @param enabled count predictions and report drift (off: nothing is counted, the route says so)
 * @param windowCount the count window: the most recent this many predictions (across replicas)
 * @param windowTime the time window: predictions of the last this long (across replicas)
 * @param sliceSize the count window moves in slices of this many predictions
 * @param sliceDuration the time window moves in slices of this long
 * @param minSamples no verdict on a statistic with fewer samples than this in a window
 * @param psiThreshold a statistic whose population stability index exceeds this has drifted (0.1:
 *     a small shift, 0.25: a large one, by the usual reading)
 * @param jsThreshold a statistic whose Jensen–Shannon distance (base 2, 0…1) exceeds this has drifted
 * @param firstPredictions a version registered without a holdout takes its first this many
 *     predictions as its baseline
 * @param publishInterval how often each worker publishes its windows to the models bucket, reads the
 *     others', evaluates drift for the metrics and checks {@code trigger.drift}
 * @param staleAfter a worker's published windows older than this are no longer read, and deleted
 */
@Validated
@ConfigurationProperties("orchard.drift")
public record DriftProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2000") @Min(1) int windowCount,
        @DefaultValue("1h") @NotNull Duration windowTime,
        @DefaultValue("250") @Min(1) int sliceSize,
        @DefaultValue("1m") @NotNull Duration sliceDuration,
        @DefaultValue("500") @Min(1) int minSamples,
        @DefaultValue("0.25") @DecimalMin("0") double psiThreshold,
        @DefaultValue("0.1") @DecimalMin("0") double jsThreshold,
        @DefaultValue("1000") @Min(1) int firstPredictions,
        @DefaultValue("30s") @NotNull Duration publishInterval,
        @DefaultValue("1d") @NotNull Duration staleAfter) {

    public DriftProperties {
        if (sliceDuration.isZero() || sliceDuration.isNegative() || windowTime.compareTo(sliceDuration) < 0) {
            throw new IllegalArgumentException("orchard.drift.slice-duration must be positive and at most window-time");
        }
        if (sliceSize > windowCount) {
            throw new IllegalArgumentException("orchard.drift.slice-size must be at most window-count");
        }
    }

    /** Count slices kept: enough to cover the count window from any position. */
    int countSlices() {
        return windowCount / sliceSize + 2;
    }

    /** Time slices kept: enough to cover the time window. */
    int timeSlices() {
        return (int) Math.min(10_000, windowTime.toMillis() / sliceDuration.toMillis() + 2);
    }
}

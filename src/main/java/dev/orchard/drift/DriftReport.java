package dev.orchard.drift;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /v1/models/{name}/drift}: the champion's live windows against its baseline.
 *
 * @param baseline {@code null} when the version has none yet (registered without a holdout and
 *     fewer than {@code orchard.drift.first-predictions} predictions counted)
 * @param drifted some statistic of some window crossed a threshold with enough samples
 * @param trigger the last time a retrain spec's {@code trigger.drift} fired for this model
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DriftReport(
        String model,
        int version,
        Baseline baseline,
        List<Window> windows,
        Thresholds thresholds,
        boolean drifted,
        DriftClaims.Firing trigger,
        String note) {

    /** Where the baseline comes from and how many samples it has. */
    public record Baseline(String source, long predictions, long sources) {}

    /**
     * One sliding window, merged across replicas.
     *
     * @param kind {@code count} or {@code time}
     * @param size {@code 2000 predictions} or {@code PT1H}
     */
    public record Window(
            String kind,
            String size,
            long predictions,
            Instant from,
            Instant to,
            int workers,
            List<Statistic> statistics) {

        public Optional<Statistic> statistic(String id) {
            return statistics.stream().filter(s -> s.statistic().equals(id)).findFirst();
        }
    }

    /**
     * One statistic of a window.
     *
     * @param verdict {@code drifted}, {@code stable}, {@code too-few-samples} (no verdict below
     *     {@code min-samples}) or {@code no-baseline}
     * @param psi population stability index ({@code null} without samples or baseline)
     * @param jsDistance Jensen–Shannon distance, base 2
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Statistic(
            String statistic,
            long samples,
            long baselineSamples,
            Double psi,
            Double jsDistance,
            String verdict,
            Map<String, Long> baseline,
            Map<String, Long> live) {}

    /** When a statistic counts as drifted. */
    public record Thresholds(double psi, double jsDistance, int minSamples) {}
}

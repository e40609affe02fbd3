package dev.orchard.retrain;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.orchard.registry.ModelManifest;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /jobs/{id}} of a retrain: where it stands, each step's progress, and what it came to.
 *
 * @param status the job's batch status ({@code STARTING}, {@code STARTED}, {@code COMPLETED},
 *     {@code FAILED}, …)
 * @param outcome set once it completed
 * @param version the version it registered, once registered
 * @param failure the first line of why the last execution failed
 * @param executions how many times it was started (a restart after a crash is the second)
 * @param gate the gate's decision, once taken
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RetrainStatus(
        String id,
        String job,
        String model,
        String status,
        RetrainOutcome outcome,
        Integer version,
        String failure,
        String dataset,
        String fingerprint,
        String trainer,
        Map<String, Object> params,
        Thresholds thresholds,
        String by,
        int executions,
        Instant createdAt,
        Instant endedAt,
        List<Step> steps,
        ModelManifest.Gate gate) {

    /** The gate's thresholds for this run. */
    public record Thresholds(double minAccuracy, double maxRegression, RetrainProperties.Promote promote) {}

    /**
     * One step's latest execution.
     *
     * @param progress what the step reports: {@code images}, {@code decoded}, {@code epoch} of
     *     {@code epochs} and {@code loss}, {@code scored} of {@code holdout}, {@code accuracy}, …
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Step(String name, String status, Instant startedAt, Instant endedAt, Map<String, Object> progress) {}
}

package dev.orchard.dispatch;

import dev.orchard.retrain.Recipe;
import dev.orchard.retrain.RetrainProperties;
import dev.orchard.retrain.RetrainRequest;
import java.util.Map;

/**
 * A {@code kind: retrain} spec from {@code jobs/*.yaml}: how {@code model} is retrained — on which
 * dataset, with which trainer, judged by which gate — and what starts it besides commands: a cron
 * {@code schedule} and/or {@code newObjects} labelled objects arriving since the champion's snapshot.
 * Every retrain of the model (command, {@code POST /jobs}, schedule, new data) uses this recipe; a
 * request's own thresholds still win over the spec's.
 *
 * @param dataset {@code gs://bucket/prefix/} or {@code gs://bucket/…/manifest.jsonl}
 * @param minAccuracy {@code null}: {@code orchard.retrain.min-accuracy}
 * @param maxRegression {@code null}: {@code orchard.retrain.max-regression}
 * @param promote {@code null}: {@code orchard.retrain.promote}
 * @param schedule a Spring cron expression (6 fields, UTC), or {@code null}
 * @param newObjects retrain when at least this many new labelled objects arrived, or {@code null}
 * @param drift retrain when live traffic drifted from the champion's baseline (and there is new
 *     labelled data: drift alone retrains nothing), or {@code null}
 * @param file the spec file, for messages
 */
public record RetrainSpec(
        String name,
        String model,
        String dataset,
        String trainer,
        Map<String, Object> params,
        Double minAccuracy,
        Double maxRegression,
        RetrainProperties.Promote promote,
        String schedule,
        Integer newObjects,
        dev.orchard.drift.DriftTrigger drift,
        String file)
        implements JobSpec {

    public Recipe recipe() {
        return new Recipe(dataset, trainer, params);
    }

    /** {@code retrain} for this spec's model: its recipe, with the command's thresholds over the spec's. */
    public RetrainRequest request(JobRequest.Retrain retrain) {
        return new RetrainRequest(
                model,
                retrain.force(),
                retrain.minAccuracy() != null ? retrain.minAccuracy() : this.minAccuracy,
                retrain.maxRegression() != null ? retrain.maxRegression() : this.maxRegression,
                retrain.promote() != null ? retrain.promote() : this.promote,
                retrain.by(),
                recipe());
    }
}

package dev.orchard.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.orchard.model.ModelInput;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The model card stored as {@code models/<name>/versions/<n>/manifest.json}: everything needed to
 * load the model (kind, input, labels, artifacts with their sha256) and to say how it was made
 * (metrics on the holdout, dataset fingerprint, trainer, provenance, code version).
 *
 * @param artifacts path relative to the version directory → sha256 (hex) of its content; loading
 *     refuses any artifact whose bytes do not hash to this value
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelManifest(
        String name,
        int version,
        Kind kind,
        ModelInput input,
        Output output,
        List<String> labels,
        Metrics metrics,
        Dataset dataset,
        Trainer trainer,
        String provenance,
        String codeVersion,
        Instant createdAt,
        Map<String, String> artifacts,
        Gate gate) {

    /** Which runtime loads the {@code model/} artifacts. */
    public enum Kind {
        @JsonProperty("tensorflow")
        TENSORFLOW,
        @JsonProperty("tribuo")
        TRIBUO
    }

    /** What the model's output holds. */
    public enum Output {
        @JsonProperty("probabilities")
        PROBABILITIES,
        @JsonProperty("logits")
        LOGITS
    }

    /** Holdout metrics; {@code confusion[actual][predicted]} in {@link #labels()} order. */
    public record Metrics(
            int holdoutSize, double accuracy, double macroF1, Map<String, ClassMetrics> perClass, int[][] confusion) {}

    public record ClassMetrics(double precision, double recall, double f1, int support) {}

    /** The snapshot a model was trained on. */
    public record Dataset(String uri, int objects, String fingerprint) {}

    /** The trainer and the parameters it ran with. */
    public record Trainer(String type, Map<String, Object> params) {}

    /**
     * The retrain gate's decision, taken before registration: candidate and champion scored on the
     * same holdout.
     *
     * @param decision {@code promote} (passed, promoted automatically), {@code passed} (passed,
     *     promotion left to a person), or {@code rejected}
     * @param championVersion the champion it was compared with, {@code null} if there was none
     * @param championAccuracy the champion's accuracy on the candidate's holdout
     * @param championMacroF1 the champion's macro-F1 there ({@code null} when its labels differ)
     * @param agreement fraction of holdout images both models label the same
     */
    public record Gate(
            String decision,
            String reason,
            double candidateAccuracy,
            double candidateMacroF1,
            Integer championVersion,
            Double championAccuracy,
            Double championMacroF1,
            Double agreement,
            double minAccuracy,
            double maxRegression,
            int holdoutSize) {}
}

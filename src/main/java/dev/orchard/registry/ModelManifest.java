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
        Provenance provenance,
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

    /**
     * Holdout metrics; {@code confusion[actual][predicted]} in {@link #labels()} order.
     *
     * @param baseline what the model said and was shown on its holdout — the distributions live
     *     traffic is compared with for drift ({@code null} on versions registered before drift was
     *     measured)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Metrics(
            int holdoutSize,
            double accuracy,
            double macroF1,
            Map<String, ClassMetrics> perClass,
            int[][] confusion,
            dev.orchard.model.PredictionProfile baseline) {

        public Metrics(
                int holdoutSize,
                double accuracy,
                double macroF1,
                Map<String, ClassMetrics> perClass,
                int[][] confusion) {
            this(holdoutSize, accuracy, macroF1, perClass, confusion, null);
        }

        /** These metrics with {@code baseline}. */
        public Metrics withBaseline(dev.orchard.model.PredictionProfile baseline) {
            return new Metrics(holdoutSize, accuracy, macroF1, perClass, confusion, baseline);
        }
    }

    public record ClassMetrics(double precision, double recall, double f1, int support) {}

    /** The snapshot a model was trained on. */
    public record Dataset(String uri, int objects, String fingerprint) {}

    /**
     * How a version came to be, as a record a program can read.
     *
     * @param source {@code retrain} (a retrain job), {@code train} (trained directly: the bootstrap,
     *     tools), {@code import} (a model brought in), or {@code legacy} (a version registered before
     *     provenance was structured; its text is in {@code details.text})
     * @param run the retrain run ({@code GET /jobs/{run}}), {@code null} for other sources
     * @param by who asked for it ({@code http:admin}, {@code schedule:fruit}, {@code pubsub}, …)
     * @param runtime library versions that produced it ({@code java}, {@code tensorflow}, {@code tribuo})
     * @param details what the trainer or importer reports: loss per epoch, optimizer, the source
     *     of an import, …
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Provenance(
            String source,
            String run,
            String by,
            Instant startedAt,
            Instant finishedAt,
            Map<String, String> runtime,
            Map<String, Object> details) {

        @com.fasterxml.jackson.annotation.JsonCreator(
                mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.PROPERTIES)
        public Provenance {
            runtime = runtime == null ? Map.of() : Map.copyOf(runtime);
            details = details == null
                    ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
        }

        /** A manifest written before provenance was structured held free text. */
        @com.fasterxml.jackson.annotation.JsonCreator(
                mode = com.fasterxml.jackson.annotation.JsonCreator.Mode.DELEGATING)
        static Provenance legacy(String text) {
            return new Provenance("legacy", null, null, null, null, Map.of(), Map.of("text", text));
        }
    }

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

package dev.orchard.retrain;

import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.VersionedModels;
import dev.orchard.training.HoldoutScoring;
import dev.orchard.training.LabelledObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * The differential test: the champion labels the holdout images the candidate labelled in the
 * evaluate step (each model decodes them for its own input size), and the thresholds decide.
 * Images either model could not read are left out of the comparison.
 */
final class RetrainGate {

    private final HoldoutScoring scoring;
    private final VersionedModels models;

    RetrainGate(HoldoutScoring scoring, VersionedModels models) {
        this.scoring = scoring;
        this.models = models;
    }

    /** Thresholds of one decision. */
    record Thresholds(double minAccuracy, double maxRegression, RetrainProperties.Promote promote) {}

    /**
     * @param said the candidate's label per holdout image ({@code null}: it could not read it)
     * @param champion the champion to compare with, empty when the model has none
     */
    ModelManifest.Gate decide(
            String model,
            List<String> labels,
            List<LabelledObject> holdout,
            List<String> said,
            Optional<Integer> champion,
            Thresholds t,
            IntConsumer progress) {
        Optional<ModelManifest.Metrics> candidateMetrics = HoldoutScoring.metrics(labels, holdout, said);
        double candidateAccuracy =
                candidateMetrics.map(ModelManifest.Metrics::accuracy).orElse(0.0);
        double candidateMacroF1 =
                candidateMetrics.map(ModelManifest.Metrics::macroF1).orElse(0.0);
        if (champion.isEmpty()) {
            boolean pass = candidateAccuracy >= t.minAccuracy();
            return gate(
                    pass,
                    t,
                    String.format(
                            Locale.ROOT,
                            "no champion; accuracy %.4f %s the minimum %.4f",
                            candidateAccuracy,
                            pass ? "meets" : "is below",
                            t.minAccuracy()),
                    candidateAccuracy,
                    candidateMacroF1,
                    null,
                    null,
                    null,
                    null,
                    holdout.size());
        }
        List<String> championSays;
        try (LoadedModel.Lease lease = models.lease(model, champion.get())) {
            // the holdout is not the champion's traffic: not counted for drift
            championSays = scoring.label(
                    lease.classifier().unobserved(), lease.classifier().input(), holdout, progress);
        }
        int correct = 0;
        int agree = 0;
        int scored = 0;
        for (int i = 0; i < holdout.size(); i++) {
            if (championSays.get(i) == null || said.get(i) == null) {
                continue;
            }
            scored++;
            correct += championSays.get(i).equals(holdout.get(i).label()) ? 1 : 0;
            agree += championSays.get(i).equals(said.get(i)) ? 1 : 0;
        }
        double championAccuracy = scored == 0 ? 0 : (double) correct / scored;
        Double championMacroF1 = HoldoutScoring.metrics(labels, holdout, championSays)
                .map(ModelManifest.Metrics::macroF1)
                .orElse(null);
        double agreement = scored == 0 ? 0 : (double) agree / scored;
        boolean meetsMinimum = candidateAccuracy >= t.minAccuracy();
        boolean noWorse = candidateAccuracy >= championAccuracy - t.maxRegression();
        String reason = String.format(
                Locale.ROOT,
                "accuracy %.4f vs champion v%d %.4f on %d holdout images (agreement %.4f): %s",
                candidateAccuracy,
                champion.get(),
                championAccuracy,
                holdout.size(),
                agreement,
                !meetsMinimum
                        ? String.format(Locale.ROOT, "below the minimum %.4f", t.minAccuracy())
                        : !noWorse
                                ? String.format(Locale.ROOT, "regresses more than %.4f", t.maxRegression())
                                : "passes");
        return gate(
                meetsMinimum && noWorse,
                t,
                reason,
                candidateAccuracy,
                candidateMacroF1,
                champion.get(),
                championAccuracy,
                championMacroF1,
                agreement,
                holdout.size());
    }

    private static ModelManifest.Gate gate(
            boolean pass,
            Thresholds t,
            String reason,
            double candidateAccuracy,
            double candidateMacroF1,
            Integer championVersion,
            Double championAccuracy,
            Double championMacroF1,
            Double agreement,
            int holdout) {
        String decision = !pass ? "rejected" : t.promote() == RetrainProperties.Promote.AUTO ? "promote" : "passed";
        return new ModelManifest.Gate(
                decision,
                reason,
                candidateAccuracy,
                candidateMacroF1,
                championVersion,
                championAccuracy,
                championMacroF1,
                agreement,
                t.minAccuracy(),
                t.maxRegression(),
                holdout);
    }
}

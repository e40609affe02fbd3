package dev.orchard.retrain;

import dev.orchard.model.Classifier;
import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.ModelInput;
import dev.orchard.model.Prediction;
import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.VersionedModels;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectTooLargeException;
import dev.orchard.training.Evaluation;
import dev.orchard.training.LabelledObject;
import dev.orchard.training.ModelTraining;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The differential test: candidate and champion classify the same holdout images (each decoded
 * for its own input size), and the thresholds decide. Images that vanished or cannot be decoded
 * are left out for both.
 */
final class RetrainGate {

    private final BlobStore store;
    private final ImageDecoder decoder;
    private final VersionedModels models;

    RetrainGate(BlobStore store, ImageDecoder decoder, VersionedModels models) {
        this.store = store;
        this.decoder = decoder;
        this.models = models;
    }

    /** Thresholds of one decision. */
    record Thresholds(double minAccuracy, double maxRegression, RetrainProperties.Promote promote) {}

    ModelManifest.Gate decide(ModelTraining.Candidate candidate, Optional<Integer> championVersion, Thresholds t) {
        List<String> labels = candidate.labels();
        List<byte[]> images = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        for (LabelledObject object : candidate.holdout()) {
            Optional<Blob> blob;
            try {
                blob = store.get(object.ref(), decoder.maxBytes());
            } catch (ObjectTooLargeException e) {
                continue; // left out for both models, as an image neither can decode
            }
            if (blob.isPresent()) {
                images.add(blob.get().content());
                targets.add(labels.indexOf(object.label()));
            }
        }
        int[] actual = targets.stream().mapToInt(Integer::intValue).toArray();
        List<String> candidateSays = classify(candidate.classifier(), candidate.input(), images);
        ModelManifest.Metrics candidateMetrics = metrics(labels, actual, candidateSays);
        double candidateAccuracy = candidateMetrics == null ? 0 : candidateMetrics.accuracy();
        double candidateMacroF1 = candidateMetrics == null ? 0 : candidateMetrics.macroF1();
        if (championVersion.isEmpty()) {
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
                    actual.length);
        }
        List<String> championSays;
        try (LoadedModel.Lease champion = models.lease(candidate.request().model(), championVersion.get())) {
            championSays = classify(champion.classifier(), champion.classifier().input(), images);
        }
        int correct = 0;
        int agree = 0;
        int scored = 0;
        for (int i = 0; i < actual.length; i++) {
            if (championSays.get(i) == null || candidateSays.get(i) == null) {
                continue;
            }
            scored++;
            correct += championSays.get(i).equals(labels.get(actual[i])) ? 1 : 0;
            agree += championSays.get(i).equals(candidateSays.get(i)) ? 1 : 0;
        }
        double championAccuracy = scored == 0 ? 0 : (double) correct / scored;
        ModelManifest.Metrics championMetrics = metrics(labels, actual, championSays);
        Double championMacroF1 = championMetrics == null ? null : championMetrics.macroF1();
        double agreement = scored == 0 ? 0 : (double) agree / scored;
        boolean meetsMinimum = candidateAccuracy >= t.minAccuracy();
        boolean noWorse = candidateAccuracy >= championAccuracy - t.maxRegression();
        String reason = String.format(
                Locale.ROOT,
                "accuracy %.4f vs champion v%d %.4f on %d holdout images (agreement %.4f): %s",
                candidateAccuracy,
                championVersion.get(),
                championAccuracy,
                actual.length,
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
                championVersion.get(),
                championAccuracy,
                championMacroF1,
                agreement,
                actual.length);
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

    /** The label each image gets, {@code null} where the image cannot be decoded for this model. */
    private List<String> classify(Classifier classifier, ModelInput input, List<byte[]> images) {
        List<String> labels = new ArrayList<>(images.size());
        List<float[]> batch = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            labels.add(null);
        }
        for (int i = 0; i < images.size(); i++) {
            try {
                batch.add(decoder.decodePatiently(images.get(i), input));
                positions.add(i);
            } catch (ImageRejectedException e) {
                // left out for both models
            }
            if (batch.size() == 256 || (i == images.size() - 1 && !batch.isEmpty())) {
                List<Prediction> predictions = classifier.classify(batch.toArray(new float[0][]), 1);
                for (int j = 0; j < predictions.size(); j++) {
                    labels.set(positions.get(j), predictions.get(j).label());
                }
                batch.clear();
                positions.clear();
            }
        }
        return labels;
    }

    /** Metrics over the images the model labelled, when all its labels are the candidate's. */
    private static ModelManifest.Metrics metrics(List<String> labels, int[] actual, List<String> said) {
        List<Integer> a = new ArrayList<>();
        List<Integer> p = new ArrayList<>();
        for (int i = 0; i < actual.length; i++) {
            if (said.get(i) == null) {
                continue;
            }
            int predicted = labels.indexOf(said.get(i));
            if (predicted < 0) {
                return null;
            }
            a.add(actual[i]);
            p.add(predicted);
        }
        if (a.isEmpty()) {
            return null;
        }
        return Evaluation.of(
                labels,
                a.stream().mapToInt(Integer::intValue).toArray(),
                p.stream().mapToInt(Integer::intValue).toArray());
    }
}

package dev.orchard.training;

import dev.orchard.model.Classifier;
import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.ModelInput;
import dev.orchard.model.Prediction;
import dev.orchard.model.PredictionObserver;
import dev.orchard.model.ProfilingClassifier;
import dev.orchard.model.SourceObserver;
import dev.orchard.registry.ModelManifest;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectTooLargeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * Labels holdout images with a classifier, {@value #BATCH} at a time: only one batch of images is
 * in memory, however large the holdout. An image that vanished, changed, is too large or cannot be
 * decoded for the model gets {@code null} (left out of its metrics, and of a comparison for both
 * models).
 */
public final class HoldoutScoring {

    static final int BATCH = 256;

    private final BlobStore store;
    private final ImageDecoder decoder;

    public HoldoutScoring(BlobStore store, ImageDecoder decoder) {
        this.store = store;
        this.decoder = decoder;
    }

    /** The label {@code classifier} gives each of {@code holdout}, in order; {@code progress} gets the count done. */
    public List<String> label(
            Classifier classifier, ModelInput input, List<LabelledObject> holdout, IntConsumer progress) {
        return label(classifier, input, holdout, progress, PredictionObserver.NONE);
    }

    /**
     * {@link #label(Classifier, ModelInput, List, IntConsumer)}, telling {@code observer} every
     * prediction and source image: how a version's drift baseline is counted.
     */
    public List<String> label(
            Classifier classifier,
            ModelInput input,
            List<LabelledObject> holdout,
            IntConsumer progress,
            PredictionObserver observer) {
        Classifier counted = new ProfilingClassifier(classifier, observer);
        String[] said = new String[holdout.size()];
        List<float[]> batch = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < holdout.size(); i++) {
            Optional<float[]> x = decode(holdout.get(i), input, counted::observedSource);
            if (x.isPresent()) {
                batch.add(x.get());
                positions.add(i);
            }
            if (batch.size() == BATCH || (i == holdout.size() - 1 && !batch.isEmpty())) {
                List<Prediction> predictions = counted.classify(batch.toArray(new float[0][]), 1);
                for (int j = 0; j < predictions.size(); j++) {
                    said[positions.get(j)] = predictions.get(j).label();
                }
                batch.clear();
                positions.clear();
            }
            if ((i + 1) % BATCH == 0 || i == holdout.size() - 1) {
                progress.accept(i + 1);
            }
        }
        return Arrays.asList(said);
    }

    private Optional<float[]> decode(LabelledObject object, ModelInput input, SourceObserver source) {
        try {
            Optional<Blob> blob = store.get(object.ref(), decoder.maxBytes());
            return blob.isEmpty()
                    ? Optional.empty()
                    : Optional.of(decoder.decodePatiently(blob.get().content(), input, source));
        } catch (ObjectTooLargeException | ImageRejectedException e) {
            return Optional.empty();
        }
    }

    /**
     * Metrics of the labels a model gave ({@code null}s left out) against the true ones, in {@code
     * labels} order; empty when it labelled nothing, or said a label outside {@code labels}.
     */
    public static Optional<ModelManifest.Metrics> metrics(
            List<String> labels, List<LabelledObject> holdout, List<String> said) {
        List<Integer> actual = new ArrayList<>();
        List<Integer> predicted = new ArrayList<>();
        for (int i = 0; i < holdout.size(); i++) {
            if (said.get(i) == null) {
                continue;
            }
            int p = labels.indexOf(said.get(i));
            int a = labels.indexOf(holdout.get(i).label());
            if (p < 0 || a < 0) {
                return Optional.empty();
            }
            actual.add(a);
            predicted.add(p);
        }
        if (actual.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(Evaluation.of(
                labels,
                actual.stream().mapToInt(Integer::intValue).toArray(),
                predicted.stream().mapToInt(Integer::intValue).toArray()));
    }
}

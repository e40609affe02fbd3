package dev.orchard.model;

import java.util.List;

/**
 * A loaded model that maps preprocessed images to class probabilities.
 *
 * <p><b>WARNING:</b> a classifier may hold native memory (a TensorFlow session); it must be closed
 * exactly once, and only after every in-flight {@link #predict} has returned. {@link #predict} is
 * thread-safe.
 */
public interface Classifier extends AutoCloseable {

    /** The input every row passed to {@link #predict} must match. */
    ModelInput input();

    /** Class labels, in the order of the probabilities {@link #predict} returns. */
    List<String> labels();

    /**
     * Scores a batch. Each row has {@code input().size()} floats (height × width × channels);
     * returns one probability vector per row, aligned with {@link #labels()}.
     *
     * @throws IllegalArgumentException if a row has the wrong length
     */
    float[][] predict(float[][] batch);

    /** Scores a batch and ranks each row's top {@code k} labels. */
    default List<Prediction> classify(float[][] batch, int k) {
        float[][] probabilities = predict(batch);
        return java.util.Arrays.stream(probabilities)
                .map(p -> Prediction.rank(labels(), p, k))
                .toList();
    }

    /**
     * Told that an image of {@code width × height} pixels (as displayed) was decoded for this model;
     * a classifier that profiles its traffic ({@link ProfilingClassifier}) counts it. Pass this
     * method to {@link ImageDecoder#decode(byte[], ModelInput, SourceObserver)}.
     */
    default void observedSource(long width, long height) {}

    /** This classifier without traffic profiling: for warm-up and evaluation runs that are not traffic. */
    default Classifier unobserved() {
        return this;
    }

    @Override
    void close();

    /** Rejects rows whose length is not the model's input size. */
    static void requireShape(float[][] batch, ModelInput input) {
        for (int i = 0; i < batch.length; i++) {
            if (batch[i].length != input.size()) {
                throw new IllegalArgumentException("row " + i + " has " + batch[i].length + " values; the model takes "
                        + input.height() + "x" + input.width() + "x" + input.channels() + " = " + input.size());
            }
        }
    }
}

package dev.orchard.model;

/**
 * Told about predictions as they happen (by a {@link ProfilingClassifier}) and about the source
 * images they came from (by the code that decoded them). Implementations must be thread-safe and
 * cheap: they run on the prediction path.
 */
public interface PredictionObserver {

    /** Takes nothing. */
    PredictionObserver NONE = new PredictionObserver() {
        @Override
        public void observed(float[][] rows, float[][] probabilities) {}

        @Override
        public void observedSource(long width, long height) {}
    };

    /** {@code rows} (model input) were scored as {@code probabilities} (aligned with the model's labels). */
    void observed(float[][] rows, float[][] probabilities);

    /** An image of {@code width × height} pixels (as displayed) was decoded for the model. */
    void observedSource(long width, long height);
}

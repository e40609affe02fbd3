package dev.orchard.model;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A classifier that tells a {@link PredictionObserver} about every batch it scores (the live
 * distributions drift is measured on). An observer that fails is logged and never fails the
 * prediction. Work that is not traffic — warm-up on a blank image, a retrain gate scoring the
 * champion on a holdout — calls {@link #unobserved()}.
 */
public final class ProfilingClassifier implements Classifier {

    private static final Logger log = LoggerFactory.getLogger(ProfilingClassifier.class);

    private final Classifier delegate;
    private final PredictionObserver observer;

    public ProfilingClassifier(Classifier delegate, PredictionObserver observer) {
        this.delegate = delegate;
        this.observer = observer;
    }

    @Override
    public ModelInput input() {
        return delegate.input();
    }

    @Override
    public List<String> labels() {
        return delegate.labels();
    }

    @Override
    public float[][] predict(float[][] batch) {
        float[][] probabilities = delegate.predict(batch);
        try {
            observer.observed(batch, probabilities);
        } catch (RuntimeException e) {
            log.warn("could not count a prediction for drift: {}", e.toString());
        }
        return probabilities;
    }

    @Override
    public void observedSource(long width, long height) {
        try {
            observer.observedSource(width, height);
        } catch (RuntimeException e) {
            log.warn("could not count a source image for drift: {}", e.toString());
        }
    }

    @Override
    public Classifier unobserved() {
        return delegate;
    }

    @Override
    public void close() {
        delegate.close();
    }
}

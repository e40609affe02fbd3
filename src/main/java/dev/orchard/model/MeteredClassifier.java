package dev.orchard.model;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * A classifier that records every inference call: {@code orchard.inference} (a timer with a
 * percentile histogram, per call) and {@code orchard.inference.batch.size} (images per call), both
 * tagged with the model's name and version. Serving, upload scoring and prefix jobs all call models
 * through the registry's loader, so these cover every path.
 */
public final class MeteredClassifier implements Classifier {

    private final Classifier delegate;
    private final Timer latency;
    private final DistributionSummary batchSize;

    public MeteredClassifier(Classifier delegate, String model, int version, MeterRegistry meters) {
        this.delegate = delegate;
        String v = Integer.toString(version);
        this.latency = Timer.builder("orchard.inference")
                .description("model inference calls")
                .tags("model", model, "version", v)
                .publishPercentileHistogram()
                .register(meters);
        this.batchSize = DistributionSummary.builder("orchard.inference.batch.size")
                .description("images per inference call")
                .baseUnit("images")
                .tags("model", model, "version", v)
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(1024.0)
                .register(meters);
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
        long started = System.nanoTime();
        try {
            return delegate.predict(batch);
        } finally {
            latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            batchSize.record(batch.length);
        }
    }

    @Override
    public void observedSource(long width, long height) {
        delegate.observedSource(width, height);
    }

    @Override
    public void close() {
        delegate.close();
    }
}

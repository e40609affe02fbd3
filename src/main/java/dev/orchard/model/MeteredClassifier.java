package dev.orchard.model;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
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
    private final Tracer tracer;
    private final String model;
    private final String version;

    public MeteredClassifier(Classifier delegate, String model, int version, MeterRegistry meters) {
        this(delegate, model, version, meters, Tracer.NOOP);
    }

    /**
     * With {@code tracer}, every inference call within a span already in scope (an upload window's
     * step, a request, a prefix job's chunk) is a span {@code inference} with model, version and
     * batch size.
     */
    public MeteredClassifier(Classifier delegate, String model, int version, MeterRegistry meters, Tracer tracer) {
        this.tracer = tracer;
        this.model = model;
        this.version = Integer.toString(version);
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
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "NP_NULL_ON_SOME_PATH_FROM_RETURN_VALUE",
            justification =
                    "Micrometer Tracing's nextSpan returns a span, never null; SpotBugs applies the parent parameter's @Nullable to the result")
    public float[][] predict(float[][] batch) {
        Span parent = tracer.currentSpan();
        Span span = parent == null
                ? null
                : tracer.nextSpan(parent)
                        .name("inference")
                        .tag("orchard.model", model)
                        .tag("orchard.version", version)
                        .tag("orchard.batch.size", Integer.toString(batch.length))
                        .start();
        long started = System.nanoTime();
        try {
            return delegate.predict(batch);
        } catch (RuntimeException e) {
            if (span != null) {
                span.error(e);
            }
            throw e;
        } finally {
            latency.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
            batchSize.record(batch.length);
            if (span != null) {
                span.end();
            }
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

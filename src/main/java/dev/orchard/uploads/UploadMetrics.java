package dev.orchard.uploads;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;

/**
 * What uploads cost end to end: {@code orchard.upload.latency} (a timer with a percentile histogram,
 * from the object's creation — its generation, microseconds since the epoch on Cloud Storage and on
 * the embedded store alike — to its result written; tagged with the outcome, {@code predicted} or
 * {@code error}) and {@code orchard.upload.errors} (error results by reason: {@code CORRUPT}, {@code
 * TOO_LARGE}, {@code NOT_FOUND}, …).
 */
final class UploadMetrics {

    private final MeterRegistry meters;
    private final Timer predicted;
    private final Timer errors;

    UploadMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.predicted = latency(meters, "predicted");
        this.errors = latency(meters, "error");
    }

    /** Counts nothing anyone reads. */
    static UploadMetrics none() {
        return new UploadMetrics(new SimpleMeterRegistry());
    }

    void predicted(long generation, Instant written) {
        predicted.record(since(generation, written));
    }

    void error(String reason, long generation, Instant written) {
        errors.record(since(generation, written));
        Counter.builder("orchard.upload.errors")
                .description("error results written for uploads, by reason")
                .tag("reason", reason)
                .register(meters)
                .increment();
    }

    private static Timer latency(MeterRegistry meters, String outcome) {
        return Timer.builder("orchard.upload.latency")
                .description("upload created to its result written")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(meters);
    }

    private static Duration since(long generation, Instant written) {
        Instant created = Instant.EPOCH.plus(Duration.ofNanos(Math.multiplyExact(Math.max(0, generation), 1000L)));
        Duration elapsed = Duration.between(created, written);
        // a generation that is not a creation time (another store's) must not record nonsense
        return elapsed.isNegative() || elapsed.toDays() > 30 ? Duration.ZERO : elapsed;
    }
}

package dev.orchard.system;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import java.util.HashMap;
import java.util.Map;

/**
 * Orchard's own spans — a Pub/Sub message, an upload scored, a job and its steps — over Micrometer
 * Tracing (OpenTelemetry's, recorded as {@code management.tracing.sampling.probability} says and
 * exported over OTLP where an endpoint is set; {@link #OFF} when there is no tracer, and only the
 * trace id in the logging MDC is kept, as {@link TraceIds} does).
 *
 * <p>A <em>trace context</em> is what Orchard carries from where work arrives to where it runs —
 * a W3C {@code traceparent} when spans are on, a bare trace id when they are off: in Pub/Sub
 * attributes, upload windows and job parameters. While a span is in scope its trace id is this
 * thread's MDC {@value TraceIds#MDC_KEY}, so log lines and spans name the same trace.
 *
 * <p><b>WARNING:</b> an {@link Active} span must be closed on the thread that started it.
 */
public final class Spans {

    /** No spans: only the MDC trace id. */
    public static final Spans OFF = new Spans(Tracer.NOOP, Propagator.NOOP, false);

    private final Tracer tracer;
    private final Propagator propagator;
    private final boolean enabled;

    public Spans(Tracer tracer, Propagator propagator) {
        this(tracer, propagator, true);
    }

    private Spans(Tracer tracer, Propagator propagator, boolean enabled) {
        this.tracer = tracer;
        this.propagator = propagator;
        this.enabled = enabled;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Starts {@code name} as a child of {@code context} (a W3C {@code traceparent}, or a bare trace
     * id whose root ran elsewhere), else of the span in scope, else as a new trace; it is in scope
     * until closed.
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "NP_NULL_ON_SOME_PATH_FROM_RETURN_VALUE",
            justification =
                    "Micrometer Tracing's nextSpan returns a span, never null; SpotBugs applies the parent parameter's @Nullable to the result")
    public Active start(String name, String context) {
        if (!enabled) {
            String trace = TraceIds.idOf(context);
            return new Active(null, null, TraceIds.scope(trace != null ? trace : TraceIds.current()));
        }
        String traceparent = TraceIds.traceparentOf(context);
        Span span;
        if (traceparent != null) {
            span = propagator
                    .extract(Map.of("traceparent", traceparent), Map::get)
                    .name(name)
                    .start();
        } else {
            Span current = tracer.currentSpan();
            span = (current == null ? tracer.nextSpan() : tracer.nextSpan(current))
                    .name(name)
                    .start();
        }
        Tracer.SpanInScope scope = tracer.withSpan(span);
        return new Active(span, scope, scopeMdc(span));
    }

    /** Puts {@code span}'s trace id and traceparent into the MDC until closed. */
    private TraceIds.Scope scopeMdc(Span span) {
        return TraceIds.scope(span.context().traceId(), traceparent(span));
    }

    /**
     * Joins {@code context}'s trace: when the span in scope (Spring Batch's own, say) is already in
     * it, nothing new is started — only its ids go into the MDC; else {@link #start} a span {@code
     * name} as a child of {@code context} (or of the span in scope, when {@code context} is {@code
     * null}).
     */
    public Active join(String name, String context) {
        Span current = enabled ? tracer.currentSpan() : null;
        String trace = TraceIds.idOf(context);
        if (current != null && (trace == null || trace.equals(current.context().traceId()))) {
            return new Active(null, null, scopeMdc(current));
        }
        return start(name, context);
    }

    /**
     * Starts {@code name} as a child of the trace context in Pub/Sub message {@code attributes}
     * ({@code traceparent}, {@code googclient_traceparent}, {@code X-Cloud-Trace-Context}), or a new
     * trace.
     */
    public Active receive(String name, Map<String, String> attributes) {
        String traceparent = attributes.getOrDefault("traceparent", attributes.get("googclient_traceparent"));
        String context = TraceIds.traceparentOf(traceparent) != null
                ? traceparent
                : TraceIds.fromAttributes(attributes).orElse(null);
        if (context == null && !enabled) {
            context = TraceIds.newId();
        }
        return start(name, context);
    }

    /**
     * Runs each task with the span that was in scope where it was submitted (none: as it is), so
     * what a request or message starts on a pool — a job run — is part of its trace.
     */
    public org.springframework.core.task.TaskDecorator carryingSpan() {
        return task -> {
            Span submitter = enabled ? tracer.currentSpan() : null;
            if (submitter == null) {
                return task;
            }
            return () -> {
                try (Tracer.SpanInScope scope = tracer.withSpan(submitter)) {
                    task.run();
                }
            };
        };
    }

    /** The span in scope as a W3C {@code traceparent}, or {@code null} (none, or spans are off). */
    public String currentTraceparent() {
        Span current = enabled ? tracer.currentSpan() : null;
        return current == null ? null : traceparent(current);
    }

    private String traceparent(Span span) {
        Map<String, String> carrier = new HashMap<>();
        propagator.inject(span.context(), carrier, Map::put);
        return carrier.getOrDefault("traceparent", span.context().traceId());
    }

    /** A span in scope on this thread; closing it ends it and restores the MDC. */
    public static final class Active implements AutoCloseable {

        private final Span span;
        private final Tracer.SpanInScope scope;
        private final TraceIds.Scope mdc;

        private Active(Span span, Tracer.SpanInScope scope, TraceIds.Scope mdc) {
            this.span = span;
            this.scope = scope;
            this.mdc = mdc;
        }

        public Active tag(String key, String value) {
            if (span != null && value != null) {
                span.tag(key, value);
            }
            return this;
        }

        public Active error(Throwable failure) {
            if (span != null) {
                span.error(failure);
            }
            return this;
        }

        @Override
        public void close() {
            mdc.close();
            if (span != null) {
                scope.close();
                span.end();
            }
        }
    }
}

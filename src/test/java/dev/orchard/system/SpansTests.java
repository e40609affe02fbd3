package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

/** Orchard's spans on a real OpenTelemetry SDK (Micrometer's bridge, W3C propagation), spans kept in memory. */
class SpansTests {

    static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    static final String PARENT = "00f067aa0ba902b7";

    final List<SpanData> finished = new CopyOnWriteArrayList<>();
    final SdkTracerProvider provider = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new SpanExporter() {
                @Override
                public CompletableResultCode export(Collection<SpanData> spans) {
                    finished.addAll(spans);
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode flush() {
                    return CompletableResultCode.ofSuccess();
                }

                @Override
                public CompletableResultCode shutdown() {
                    return CompletableResultCode.ofSuccess();
                }
            }))
            .build();
    final io.opentelemetry.api.trace.Tracer otel = provider.get("test");
    final OtelTracer tracer = new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {});
    final Spans spans = new Spans(
            tracer, new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));

    @AfterEach
    void close() {
        provider.close();
        MDC.clear();
    }

    SpanData only(String name) {
        return finished.stream()
                .filter(s -> s.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void aMessageSpanContinuesItsPublishersTraceAndNamesItInTheLogs() {
        try (Spans.Active span =
                spans.receive("pubsub uploads", Map.of("traceparent", "00-" + TRACE + "-" + PARENT + "-01"))) {
            assertThat(MDC.get(TraceIds.MDC_KEY)).isEqualTo(TRACE);
            assertThat(TraceIds.currentContext())
                    .startsWith("00-" + TRACE + "-")
                    .endsWith("-01");
        }

        SpanData received = only("pubsub uploads");
        assertThat(received.getTraceId()).isEqualTo(TRACE);
        assertThat(received.getParentSpanId()).isEqualTo(PARENT);
        assertThat(MDC.get(TraceIds.MDC_KEY)).isNull();
        assertThat(MDC.get(TraceIds.CONTEXT_KEY)).isNull();
    }

    @Test
    void aMessageWithoutATraceStartsOneAndPubSubsOwnAttributeCounts() {
        try (Spans.Active span = spans.receive("pubsub commands", Map.of())) {
            assertThat(MDC.get(TraceIds.MDC_KEY)).matches("[0-9a-f]{32}");
        }
        try (Spans.Active span = spans.receive(
                "pubsub partitions", Map.of("googclient_traceparent", "00-" + TRACE + "-" + PARENT + "-01"))) {
            // nothing to check inside
        }

        assertThat(only("pubsub commands").getParentSpanId()).isEqualTo("0000000000000000");
        assertThat(only("pubsub partitions").getTraceId()).isEqualTo(TRACE);
    }

    @Test
    void anUploadCarriedAsAContextJoinsItsTraceEvenWithAnotherSpanInScope() {
        // given: an upload seen in its own trace, carried to a window's thread as its traceparent
        String carried;
        try (Spans.Active seen = spans.start("upload seen", null)) {
            carried = TraceIds.currentContext();
        }
        String uploadTrace = only("upload seen").getTraceId();

        // when: the window (a trace of its own) handles it
        try (Spans.Active window = spans.start("upload window", null);
                Spans.Active upload = spans.start("upload result", carried)) {
            assertThat(MDC.get(TraceIds.MDC_KEY)).isEqualTo(uploadTrace);
        }

        // then
        assertThat(only("upload result").getTraceId()).isEqualTo(uploadTrace);
        assertThat(only("upload result").getParentSpanId())
                .isEqualTo(only("upload seen").getSpanId());
        assertThat(only("upload window").getTraceId()).isNotEqualTo(uploadTrace);
    }

    @Test
    void aBareTraceIdIsJoinedUnderAStandInForItsRoot() {
        try (Spans.Active span = spans.start("step score-prefix-partition", TRACE)) {
            assertThat(MDC.get(TraceIds.MDC_KEY)).isEqualTo(TRACE);
        }

        assertThat(only("step score-prefix-partition").getTraceId()).isEqualTo(TRACE);
        assertThat(only("step score-prefix-partition").getParentSpanId()).isEqualTo(TRACE.substring(0, 16));
    }

    @Test
    void joiningTheTraceOfTheSpanInScopeStartsNothing() {
        try (Spans.Active batch = spans.start("spring.batch.job", "00-" + TRACE + "-" + PARENT + "-01");
                Spans.Active joined = spans.join("job score-prefix", "00-" + TRACE + "-" + PARENT + "-01")) {
            assertThat(MDC.get(TraceIds.MDC_KEY)).isEqualTo(TRACE);
        }
        try (Spans.Active stray = spans.start("spring.batch.job", null);
                Spans.Active joined = spans.join("job score-prefix", "00-" + TRACE + "-" + PARENT + "-01")) {
            assertThat(MDC.get(TraceIds.MDC_KEY)).isEqualTo(TRACE);
        }

        // the first join started nothing; the second joined the run to its trace
        assertThat(finished)
                .extracting(SpanData::getName)
                .containsExactlyInAnyOrder("spring.batch.job", "job score-prefix", "spring.batch.job");
        assertThat(only("job score-prefix").getTraceId()).isEqualTo(TRACE);
    }

    @Test
    void workHandedToAPoolRunsInTheSubmittersSpan() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Spans.Active request = spans.start("http post /jobs", null)) {
            Runnable task = spans.carryingSpan().decorate(() -> {
                try (Spans.Active job = spans.start("spring.batch.job", null)) {
                    // runs on the pool's thread
                }
            });
            pool.submit(task).get();
        } finally {
            pool.shutdown();
        }

        assertThat(only("spring.batch.job").getParentSpanId())
                .isEqualTo(only("http post /jobs").getSpanId());
    }

    @Test
    void offKeepsOnlyTheTraceIdInTheLogs() {
        try (Spans.Active span = Spans.OFF.start("upload result", "00-" + TRACE + "-" + PARENT + "-01")) {
            assertThat(MDC.get(TraceIds.MDC_KEY)).isEqualTo(TRACE);
            assertThat(TraceIds.currentContext()).isEqualTo(TRACE);
        }
        try (Spans.Active span = Spans.OFF.receive("pubsub uploads", Map.of())) {
            assertThat(MDC.get(TraceIds.MDC_KEY)).matches("[0-9a-f]{32}");
        }
        assertThat(MDC.get(TraceIds.MDC_KEY)).isNull();
        assertThat(finished).isEmpty();
    }
}

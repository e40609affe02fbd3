package dev.orchard.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.zip.GZIPInputStream;

/**
 * A local OTLP/HTTP receiver, as an OpenTelemetry collector would be: accepts {@code POST
 * /v1/traces} and {@code /v1/metrics} (protobuf, optionally gzip) and keeps what arrived.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** A received span, ids as lower-case hex ({@code parentSpanId} empty for a root). */
    public record ReceivedSpan(String name, String traceId, String spanId, String parentSpanId, String kind) {}

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final Set<String> metrics = ConcurrentHashMap.newKeySet();

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/v1/traces", receiver::traces);
            server.createContext("/v1/metrics", receiver::metrics);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public List<ReceivedSpan> spans() {
        return new ArrayList<>(spans);
    }

    /** Names of every metric received. */
    public Set<String> metrics() {
        return Set.copyOf(metrics);
    }

    private void traces(HttpExchange exchange) throws IOException {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body(exchange));
        HexFormat hex = HexFormat.of();
        request.getResourceSpansList()
                .forEach(resource -> resource.getScopeSpansList().forEach(scope -> {
                    for (Span span : scope.getSpansList()) {
                        spans.add(new ReceivedSpan(
                                span.getName(),
                                hex.formatHex(span.getTraceId().toByteArray()),
                                hex.formatHex(span.getSpanId().toByteArray()),
                                hex.formatHex(span.getParentSpanId().toByteArray()),
                                span.getKind().name()));
                    }
                }));
        answer(exchange);
    }

    private void metrics(HttpExchange exchange) throws IOException {
        ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body(exchange));
        request.getResourceMetricsList().forEach(resource -> resource.getScopeMetricsList()
                .forEach(scope -> scope.getMetricsList().forEach(metric -> metrics.add(metric.getName()))));
        answer(exchange);
    }

    private static byte[] body(HttpExchange exchange) throws IOException {
        try (InputStream in = exchange.getRequestBody()) {
            byte[] raw = in.readAllBytes();
            return "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(new java.io.ByteArrayInputStream(raw)).readAllBytes()
                    : raw;
        }
    }

    private static void answer(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, 0);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

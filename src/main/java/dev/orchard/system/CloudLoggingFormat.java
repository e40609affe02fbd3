package dev.orchard.system;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.boot.json.JsonWriter;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import org.springframework.core.env.Environment;

/**
 * One JSON object per line in the shape Google Cloud Logging reads from a container's stdout:
 * {@code severity}, {@code message} (with the stack trace, so Error Reporting picks it up), {@code
 * time}, the trace as {@code logging.googleapis.com/trace} ({@code projects/P/traces/ID}, from the
 * MDC key {@value TraceIds#MDC_KEY}) and the other MDC entries, logger and thread as labels.
 *
 * <p>Enabled by the {@code gcp} profile ({@code logging.structured.format.console}); locally the
 * log stays readable text.
 */
public final class CloudLoggingFormat implements StructuredLogFormatter<ILoggingEvent> {

    private final JsonWriter<ILoggingEvent> writer;

    public CloudLoggingFormat(Environment environment) {
        String project = environment.getProperty(
                "spring.cloud.gcp.project-id", environment.getProperty("GOOGLE_CLOUD_PROJECT", ""));
        this.writer = JsonWriter.<ILoggingEvent>of(members -> {
                    members.add("severity", e -> severity(e.getLevel()));
                    members.add("message", CloudLoggingFormat::message);
                    members.add(
                            "time", e -> Instant.ofEpochMilli(e.getTimeStamp()).toString());
                    members.add("logging.googleapis.com/trace", e -> e.getMDCPropertyMap()
                                    .get(TraceIds.MDC_KEY))
                            .whenNotNull()
                            .as(trace -> project.isEmpty() ? trace : "projects/" + project + "/traces/" + trace);
                    members.add("logging.googleapis.com/spanId", CloudLoggingFormat::spanId)
                            .whenNotNull();
                    members.add("logging.googleapis.com/labels", CloudLoggingFormat::labels);
                })
                .withNewLineAtEnd();
    }

    @Override
    public String format(ILoggingEvent event) {
        return writer.writeToString(event);
    }

    static String severity(Level level) {
        return switch (level.toInt()) {
            case Level.ERROR_INT -> "ERROR";
            case Level.WARN_INT -> "WARNING";
            case Level.INFO_INT -> "INFO";
            default -> "DEBUG";
        };
    }

    private static String message(ILoggingEvent event) {
        IThrowableProxy thrown = event.getThrowableProxy();
        return thrown == null
                ? event.getFormattedMessage()
                : event.getFormattedMessage() + "\n" + ThrowableProxyUtil.asString(thrown);
    }

    /** The span a line was logged in (Cloud Logging links it to the span in Cloud Trace), or {@code null}. */
    private static String spanId(ILoggingEvent event) {
        String traceparent = event.getMDCPropertyMap().get(TraceIds.CONTEXT_KEY);
        return traceparent != null && traceparent.length() == 55 ? traceparent.substring(36, 52) : null;
    }

    private static Map<String, String> labels(ILoggingEvent event) {
        Map<String, String> labels = new TreeMap<>(event.getMDCPropertyMap());
        labels.remove(TraceIds.MDC_KEY);
        labels.remove(TraceIds.CONTEXT_KEY);
        labels.remove("traceId"); // Micrometer Tracing's copies of the same, while a span is in scope
        labels.remove("spanId");
        labels.put("logger", event.getLoggerName());
        labels.put("thread", event.getThreadName());
        return labels;
    }
}

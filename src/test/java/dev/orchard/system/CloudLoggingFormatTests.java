package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The Cloud Logging line format and the trace ids it carries. */
class CloudLoggingFormatTests {

    final JsonMapper json = JsonMapper.builder().build();
    final LoggerContext context = new LoggerContext();

    LoggingEvent event(Level level, String message, Throwable thrown, Map<String, String> mdc) {
        LoggingEvent event =
                new LoggingEvent("test", context.getLogger("dev.orchard.Example"), level, message, thrown, null);
        event.setMDCPropertyMap(mdc);
        event.setThreadName("worker-1");
        return event;
    }

    @Test
    void writesOneCloudLoggingObjectPerLineWithTheTraceAndLabels() {
        CloudLoggingFormat format =
                new CloudLoggingFormat(new MockEnvironment().withProperty("spring.cloud.gcp.project-id", "my-proj"));
        String trace = "4bf92f3577b34da6a3ce929d0e0e4736";

        String line = format.format(event(
                Level.WARN,
                "scored gs://b/x.png",
                new IllegalStateException("boom"),
                Map.of("trace", trace, "job", "j1")));

        assertThat(line).endsWith("\n").doesNotContain("\n{");
        JsonNode node = json.readTree(line);
        assertThat(node.path("severity").asString()).isEqualTo("WARNING");
        assertThat(node.path("message").asString())
                .startsWith("scored gs://b/x.png\n")
                .contains("java.lang.IllegalStateException: boom")
                .contains("\tat ");
        assertThat(node.path("time").asString()).endsWith("Z");
        assertThat(node.path("logging.googleapis.com/trace").asString()).isEqualTo("projects/my-proj/traces/" + trace);
        JsonNode labels = node.path("logging.googleapis.com/labels");
        assertThat(labels.path("job").asString()).isEqualTo("j1");
        assertThat(labels.path("logger").asString()).isEqualTo("dev.orchard.Example");
        assertThat(labels.path("thread").asString()).isEqualTo("worker-1");
        assertThat(labels.has("trace")).isFalse();
    }

    @Test
    void withoutATraceThereIsNoTraceField() {
        String line = new CloudLoggingFormat(new MockEnvironment()).format(event(Level.DEBUG, "hi", null, Map.of()));
        JsonNode node = json.readTree(line);
        assertThat(node.path("severity").asString()).isEqualTo("DEBUG");
        assertThat(node.has("logging.googleapis.com/trace")).isFalse();
        assertThat(node.path("message").asString()).isEqualTo("hi");
    }

    @Test
    void traceIdsComeFromW3cOrCloudTraceHeadersOrAreNew() {
        assertThat(TraceIds.fromHeaders("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", null))
                .hasValue("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceIds.fromHeaders(null, "105445AA7843BC8BF206B12000100000/1;o=1"))
                .hasValue("105445aa7843bc8bf206b12000100000");
        assertThat(TraceIds.fromHeaders("00-" + "0".repeat(32) + "-00f067aa0ba902b7-01", null))
                .isEmpty();
        assertThat(TraceIds.fromHeaders("garbage", "also garbage")).isEmpty();
        assertThat(TraceIds.fromAttributes(
                        Map.of("googclient_traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")))
                .hasValue("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(TraceIds.valid(TraceIds.newId())).isTrue();
        assertThat(TraceIds.newId()).isNotEqualTo(TraceIds.newId());
    }
}

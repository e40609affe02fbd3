package dev.orchard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.testing.OtlpReceiver;
import dev.orchard.testing.OtlpReceiver.ReceivedSpan;
import dev.orchard.testing.TestDirectories;
import dev.orchard.training.SampleDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Telemetry leaves the worker over OTLP, as the {@code gcp} profile sends it to the collector sidecar:
 * here to a local receiver. An HTTP request continues its caller's trace; an upload is one trace from
 * the moment it is seen through its claim, read, decode and result, with its storage calls; a prefix
 * job started by a request is a span in that request's trace with its steps, partitions, storage and
 * inference calls within; and the metrics (inference among them) arrive too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@org.springframework.test.annotation.DirtiesContext // its exporters would go on sending to a closed receiver
class TelemetryExportIntegrationTests {

    static final Path DATA = TestDirectories.create("orchard-telemetry-");
    static final OtlpReceiver RECEIVER = OtlpReceiver.start();

    @DynamicPropertySource
    static void exportToTheReceiver(DynamicPropertyRegistry registry) {
        registry.add("orchard.storage.local.root", DATA::toString);
        registry.add("orchard.registry.work-dir", () -> DATA.resolve("work").toString());
        registry.add("orchard.trigger.local.scan-interval", () -> "250ms");
        registry.add("orchard.trigger.local.settle", () -> "100ms");
        registry.add("management.tracing.sampling.probability", () -> "1.0");
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint", () -> RECEIVER.endpoint() + "/v1/traces");
        registry.add("management.opentelemetry.tracing.export.schedule-delay", () -> "200ms");
        registry.add("management.otlp.metrics.export.enabled", () -> "true");
        registry.add("management.otlp.metrics.export.url", () -> RECEIVER.endpoint() + "/v1/metrics");
        registry.add("management.otlp.metrics.export.step", () -> "1s");
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @Value("${local.server.port}")
    int port;

    final JsonMapper json = JsonMapper.builder().build();

    RestClient client() {
        return RestClient.create("http://localhost:" + port);
    }

    @Test
    void spansAndMetricsLeaveTheWorkerOverOtlp() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> client().get()
                .uri("/actuator/health/readiness")
                .exchange((request, response) -> response.getStatusCode().value() == 200));

        // when: a request in its caller's trace
        String callerTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add(
                "image",
                new ByteArrayResource(
                        Files.readAllBytes(SampleDataset.images("trouser", 1).get(0))) {
                    @Override
                    public String getFilename() {
                        return "trouser.png";
                    }
                });
        ResponseEntity<String> classified = client().post()
                .uri("/v1/models/fashion:classify")
                .header("traceparent", "00-" + callerTrace + "-" + callerSpan + "-01")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form)
                .retrieve()
                .toEntity(String.class);

        // then: its span continues the caller's trace, and the response names it
        assertThat(classified.getHeaders().getFirst("X-Trace-Id")).isEqualTo(callerTrace);
        ReceivedSpan request =
                awaitSpan(s -> s.traceId().equals(callerTrace) && s.kind().equals("SPAN_KIND_SERVER"));
        assertThat(request.parentSpanId()).isEqualTo(callerSpan);

        // when: an upload arrives
        Files.createDirectories(DATA.resolve("local/uploads"));
        Files.copy(SampleDataset.images("trouser", 2).get(1), DATA.resolve("local/uploads/traced.png"));
        Path result = DATA.resolve("local/predictions/uploads/traced.png.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(result));
        String uploadTrace =
                json.readTree(Files.readString(result)).path("trace").asString();

        // then: one trace from the upload seen to its result, storage calls within
        ReceivedSpan seen =
                awaitSpan(s -> s.traceId().equals(uploadTrace) && s.name().equals("upload seen"));
        assertThat(seen.parentSpanId()).isEmpty();
        ReceivedSpan read =
                awaitSpan(s -> s.traceId().equals(uploadTrace) && s.name().equals("upload read"));
        awaitSpan(s -> s.name().equals("storage get") && s.parentSpanId().equals(read.spanId()));
        awaitSpan(s -> s.traceId().equals(uploadTrace) && s.name().equals("upload decode"));
        ReceivedSpan written =
                awaitSpan(s -> s.traceId().equals(uploadTrace) && s.name().equals("upload result"));
        awaitSpan(s -> s.name().equals("storage put") && s.parentSpanId().equals(written.spanId()));
        ReceivedSpan window = awaitSpan(s -> s.name().equals("upload window"));
        awaitSpan(s -> s.name().equals("inference") && s.parentSpanId().equals(window.spanId()));

        // when: a request starts a prefix job
        String jobTrace = "0af7651916cd43dd8448eb211c80319c";
        String token = Files.readString(DATA.resolve(".orchard-admin-token")).strip();
        JsonNode started = json.readTree(client().post()
                .uri("/jobs")
                .header("Authorization", "Bearer " + token)
                .header("traceparent", "00-" + jobTrace + "-b7ad6b7169203331-01")
                .contentType(MediaType.APPLICATION_JSON)
                .body("{\"job\":\"score\",\"input\":\"gs://local/training/trouser/\",\"model\":\"fashion@champion\"}")
                .retrieve()
                .body(String.class));
        String id = started.path("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> json.readTree(
                        client().get().uri("/jobs/" + id).retrieve().body(String.class))
                .path("status")
                .asString()
                .equals("COMPLETED"));

        // then: the job is a span in the request's trace, within the request's span, with its steps,
        // and the partitions' storage and inference calls in the same trace
        ReceivedSpan post =
                awaitSpan(s -> s.traceId().equals(jobTrace) && s.kind().equals("SPAN_KIND_SERVER"));
        ReceivedSpan job =
                awaitSpan(s -> s.traceId().equals(jobTrace) && s.name().equals("spring.batch.job"));
        // right under the request's span (the security filters make no spans of their own)
        assertThat(job.parentSpanId()).isEqualTo(post.spanId());
        assertThat(RECEIVER.spans()).noneMatch(s -> s.name().startsWith("security"));
        // a partition, on a partition thread, is a step within the step that partitions
        awaitSpan(partition -> partition.name().equals("spring.batch.step")
                && RECEIVER.spans().stream()
                        .anyMatch(step -> step.name().equals("spring.batch.step")
                                && step.spanId().equals(partition.parentSpanId())
                                && step.parentSpanId().equals(job.spanId())));
        assertThat(RECEIVER.spans())
                .noneMatch(s -> s.name().startsWith("job ") || s.name().startsWith("step "));
        awaitSpan(s -> s.traceId().equals(jobTrace) && s.name().equals("inference"));
        awaitSpan(s -> s.traceId().equals(jobTrace) && s.name().equals("storage put"));

        // and: metrics, inference among them
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(RECEIVER.metrics())
                .contains("orchard.inference", "orchard.inference.batch.size", "http.server.requests"));
    }

    static ReceivedSpan awaitSpan(java.util.function.Predicate<ReceivedSpan> which) {
        return await().atMost(Duration.ofSeconds(30))
                .alias("a span among " + names())
                .until(() -> RECEIVER.spans().stream().filter(which).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    static List<String> names() {
        return RECEIVER.spans().stream().map(ReceivedSpan::name).distinct().toList();
    }
}

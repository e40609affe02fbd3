package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.training.SampleDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;

/**
 * What an operator sees: Prometheus metrics for inference, batches, queues, models and jobs, and one
 * trace id from the request through the job it started to the job's summary.
 */
@org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
class ObservabilityIntegrationTests extends EmbeddedWorkerSupport {

    static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
    static final String TRACEPARENT = "00-" + TRACE + "-b7ad6b7169203331-01";

    @Test
    void aRequestsTraceIdIsAnsweredAndCarriedIntoTheJobItStarts(
            org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        // when: a classify request with a W3C trace context
        LinkedMultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        form.add(
                "image",
                new ByteArrayResource(
                        Files.readAllBytes(SampleDataset.images("bag", 1).get(0))) {
                    @Override
                    public String getFilename() {
                        return "bag.png";
                    }
                });
        ResponseEntity<String> classified = client().post()
                .uri("/v1/models/fashion:classify")
                .header("traceparent", TRACEPARENT)
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form)
                .exchange((request, response) -> toEntity(response));

        // then
        assertThat(classified.getStatusCode().value()).isEqualTo(200);
        assertThat(classified.getHeaders().getFirst("X-Trace-Id")).isEqualTo(TRACE);
        // without one, a new id per request
        String fresh = get("/v1/models/fashion").getHeaders().getFirst("X-Trace-Id");
        assertThat(fresh).matches("[0-9a-f]{32}").isNotEqualTo(TRACE);

        // when: a prefix job started by a traced request
        Path batch = Files.createDirectories(DATA.resolve("local/batches/traced"));
        List<Path> images = SampleDataset.images().subList(200, 210);
        for (int i = 0; i < images.size(); i++) {
            Files.copy(images.get(i), batch.resolve("img-" + i + ".png"));
        }
        String token = Files.readString(DATA.resolve(".orchard-admin-token")).strip();
        ResponseEntity<String> started = client().post()
                .uri("/jobs")
                .header("traceparent", TRACEPARENT)
                .headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_JSON)
                .body(
                        "{\"job\":\"score\",\"input\":\"gs://local/batches/traced/\",\"model\":\"fashion\",\"id\":\"traced\"}")
                .exchange((request, response) -> toEntity(response));
        assertThat(started.getStatusCode().value()).as(started.getBody()).isEqualTo(202);

        // then: its summary names the trace
        Path summary = DATA.resolve("local/predictions/jobs/score/traced/summary.json");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(summary));
        assertThat(json.readTree(Files.readString(summary)).path("trace").asString())
                .isEqualTo(TRACE);
        // and the job's log lines, on the partition threads too, carry it
        await().atMost(Duration.ofSeconds(10))
                .until(() -> output.getOut().contains("Step: [score-prefix-summary] executed"));
        List<String> traced = output.getOut()
                .lines()
                .filter(l -> l.contains("[" + TRACE + "]"))
                .toList();
        assertThat(traced)
                .anyMatch(l -> l.contains("prefix job traced: scoring"))
                .anyMatch(l -> l.contains("Executing step: [score-prefix-plan]"))
                .anyMatch(l -> l.contains("Step: [score-prefix-partition:partition-00000] executed"))
                .anyMatch(l -> l.contains("Step: [score-prefix-summary] executed"));
    }

    @Test
    void prometheusExposesInferenceBatchesQueuesModelsAndJobs() throws Exception {
        // given: some inference and a finished prefix job
        Path batch = Files.createDirectories(DATA.resolve("local/batches/metered"));
        List<Path> images = SampleDataset.images().subList(300, 306);
        for (int i = 0; i < images.size(); i++) {
            Files.copy(images.get(i), batch.resolve("img-" + i + ".png"));
        }
        String token = Files.readString(DATA.resolve(".orchard-admin-token")).strip();
        postJson(
                "/jobs",
                "{\"job\":\"score\",\"input\":\"gs://local/batches/metered/\",\"model\":\"fashion\",\"id\":\"metered\"}",
                token);
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Files.exists(DATA.resolve("local/predictions/jobs/score/metered/summary.json")));
        classify(
                "fashion", Files.readAllBytes(SampleDataset.images("trouser", 1).get(0)));

        // when
        ResponseEntity<String> scrape = get("/actuator/prometheus");

        // then
        assertThat(scrape.getStatusCode().value()).isEqualTo(200);
        assertThat(scrape.getBody())
                .contains("orchard_inference_seconds_bucket{model=\"fashion\",version=\"1\"")
                .contains("orchard_inference_batch_size_images_count{model=\"fashion\",version=\"1\"}")
                .contains("orchard_model_champion_version{model=\"fashion\"} 1.0")
                .contains("orchard_serving_queue_depth")
                .contains("orchard_jobs_queue_depth")
                .contains("orchard_prefix_images_total{outcome=\"predicted\"}")
                .contains("http_server_requests_seconds_count")
                .containsPattern("spring_batch_job_seconds_count\\{[^}]*spring_batch_job_name=\"score-prefix\"");
    }
}

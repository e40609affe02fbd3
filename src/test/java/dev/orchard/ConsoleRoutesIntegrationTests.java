package dev.orchard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP routes behind the console, as API clients get them too: {@code GET /} by what the
 * client accepts, the console's Content-Security-Policy, a version's report and confusion matrix,
 * and the paged list of recent jobs.
 */
class ConsoleRoutesIntegrationTests extends EmbeddedWorkerSupport {

    ResponseEntity<String> get(String path, String accept) {
        return client().get()
                .uri(path)
                .header(HttpHeaders.ACCEPT, accept)
                .exchange((request, response) -> toEntity(response));
    }

    @Test
    void aBrowserGetsTheConsoleUnderAStrictPolicyAndApiClientsTheDescription() {
        ResponseEntity<String> page = get("/", "text/html,application/xhtml+xml,*/*;q=0.8");
        assertThat(page.getStatusCode().value()).isEqualTo(200);
        assertThat(page.getHeaders().getContentType().toString()).startsWith("text/html");
        assertThat(page.getBody()).contains("<script src=\"/console/console.js\"></script>");
        String policy = page.getHeaders().getFirst("Content-Security-Policy");
        assertThat(policy)
                .contains("default-src 'none'")
                .contains("script-src 'self'")
                .contains("frame-ancestors 'none'")
                .doesNotContain("unsafe");
        assertThat(get("/console/console.js", "*/*").getHeaders().getFirst("Content-Security-Policy"))
                .isEqualTo(policy);

        for (String accept : List.of("application/json", "*/*")) {
            ResponseEntity<String> description = get("/", accept);
            assertThat(description.getHeaders().getContentType().toString()).startsWith("application/json");
            assertThat(json.readTree(description.getBody()).path("service").asString())
                    .isEqualTo("orchard");
        }
        // the API's own pages keep their headers (the console's policy would break Swagger UI)
        assertThat(get("/v1/models", "application/json").getHeaders().getFirst("Content-Security-Policy"))
                .isNull();
    }

    @Test
    void aVersionsReportAndConfusionMatrixAreServedAsMarkdownAndPng() {
        ResponseEntity<String> report = get("/v1/models/fashion/versions/1/report", "*/*");
        assertThat(report.getStatusCode().value()).isEqualTo(200);
        assertThat(report.getHeaders().getContentType().toString()).startsWith("text/markdown");
        assertThat(report.getBody()).contains("macro-F1").contains("| ");
        byte[] png = client().get()
                .uri("/v1/models/fashion/versions/1/confusion.png")
                .retrieve()
                .body(byte[].class);
        assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        assertProblem(get("/v1/models/fashion/versions/999/report", "*/*"), 404, "no version 999");
        assertProblem(get("/v1/models/nobody/versions/1/confusion.png", "*/*"), 404, "nobody");
    }

    @Test
    void recentJobsArePagedNewestFirstWithBothKinds() throws Exception {
        // given: three prefix jobs and a retrain
        Path batch = Files.createDirectories(DATA.resolve("local/batches/listed"));
        Files.copy(dev.orchard.training.SampleDataset.images().get(0), batch.resolve("one.png"));
        String token = Files.readString(DATA.resolve(".orchard-admin-token")).strip();
        for (int i = 1; i <= 3; i++) {
            ResponseEntity<String> started = postJson(
                    "/jobs",
                    "{\"job\":\"score\",\"input\":\"gs://local/batches/listed/\",\"model\":\"fashion\",\"id\":\"listed-"
                            + i + "\"}",
                    token);
            assertThat(started.getStatusCode().value()).as(started.getBody()).isEqualTo(202);
            Thread.sleep(20);
        }
        ResponseEntity<String> retrain = postJson(
                "/jobs", "{\"job\":\"retrain\",\"model\":\"fashion\",\"force\":true,\"promote\":\"manual\"}", token);
        assertThat(retrain.getStatusCode().value()).as(retrain.getBody()).isEqualTo(202);
        String retrainId = json.readTree(retrain.getBody()).path("id").asString();

        // then: newest first, both kinds, paged
        JsonNode first = await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> json.readTree(
                                get("/jobs?size=2", "application/json").getBody()),
                        page -> page.path("jobs").size() == 2);
        assertThat(first.path("jobs").get(0).path("id").asString()).isEqualTo(retrainId);
        assertThat(first.path("jobs").get(0).path("job").asString()).isEqualTo("retrain");
        assertThat(first.path("jobs").get(1).path("id").asString()).isEqualTo("listed-3");
        assertThat(first.path("jobs").get(1).path("job").asString()).isEqualTo("score");
        assertThat(first.path("more").asBoolean()).isTrue();
        JsonNode second =
                json.readTree(get("/jobs?page=1&size=2", "application/json").getBody());
        assertThat(second.path("jobs").findValuesAsString("id")).containsExactly("listed-2", "listed-1");
        assertProblem(get("/jobs?size=0", "application/json"), 400, "\"size\" must be from 1 to 100");
        assertProblem(get("/jobs?page=500&size=100", "application/json"), 400, "only the newest 1000 runs");
        assertProblem(get("/jobs?size=abc", "application/json"), 400, "size");
        // and the retrain's own status by id
        await().atMost(Duration.ofSeconds(120)).until(() -> json.readTree(
                        get("/jobs/" + retrainId, "application/json").getBody())
                .path("status")
                .asString()
                .equals("COMPLETED"));
    }
}

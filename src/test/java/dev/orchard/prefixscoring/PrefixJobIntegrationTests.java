package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.model.TestImages;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.SampleDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/**
 * Prefix jobs on the embedded default, with real images: exact counts for a mixed prefix, a
 * partitioned run equal to a single-partition run, the model pinned across a promotion, repeats
 * of the same run id, and bad requests. (The shared worker uses 16-image chunks and 4 partitions.)
 */
class PrefixJobIntegrationTests extends EmbeddedWorkerSupport {

    @Autowired
    ModelTraining training;

    @Autowired
    ModelRegistry registry;

    String adminToken() throws IOException {
        return Files.readString(DATA.resolve(".orchard-admin-token")).strip();
    }

    ResponseEntity<String> submit(String body) throws IOException {
        return postJson("/jobs", body, adminToken());
    }

    JsonNode awaitComplete(String id) {
        await().atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    ResponseEntity<String> status = get("/jobs/" + id);
                    if (status.getStatusCode().value() != 200) {
                        return false;
                    }
                    JsonNode body = json.readTree(status.getBody());
                    assertThat(body.path("status").asString()).isNotIn("FAILED", "ABANDONED");
                    return body.path("complete").asBoolean();
                });
        return json.readTree(get("/jobs/" + id).getBody());
    }

    static Path prefix(String name) throws IOException {
        return Files.createDirectories(DATA.resolve("local/batches/" + name));
    }

    static Map<String, JsonNode> lines(String run, String kind) throws IOException {
        return JobShards.read(DATA.resolve("local/predictions/jobs/score/" + run), kind);
    }

    @Test
    void aMixedPrefixGetsOneLinePerImageAndAnErrorRowPerBadFile() throws Exception {
        // given: 40 real images and 3 bad files
        Path dir = prefix("mixed");
        List<Path> images = SampleDataset.images().subList(0, 40);
        for (int i = 0; i < images.size(); i++) {
            Files.copy(images.get(i), dir.resolve(String.format("img-%03d.png", i)));
        }
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        byte[] png = Files.readAllBytes(images.get(0));
        Files.write(dir.resolve("truncated.png"), java.util.Arrays.copyOf(png, png.length / 2));
        Files.write(dir.resolve("huge.png"), TestImages.pngHeaderClaiming(50_000, 50_000));

        // when
        ResponseEntity<String> submitted = submit(
                "{\"job\":\"score\",\"input\":\"gs://local/batches/mixed/\",\"model\":\"fashion@champion\",\"id\":\"mixed-1\"}");
        ResponseEntity<String> repeated = submit(
                "{\"job\":\"score\",\"input\":\"gs://local/batches/mixed/\",\"model\":\"fashion\",\"id\":\"mixed-1\"}");

        // then
        assertThat(submitted.getStatusCode().value()).as(submitted.getBody()).isEqualTo(202);
        assertThat(submitted.getHeaders().getLocation()).hasToString("/jobs/mixed-1");
        assertThat(json.readTree(repeated.getBody()).path("existing").asBoolean())
                .isTrue();
        assertThat(get("/jobs/mixed-1").getStatusCode().value())
                .as("known from submission on, listed or not")
                .isEqualTo(200);
        JsonNode status = awaitComplete("mixed-1");
        assertThat(status.path("status").asString()).isEqualTo("COMPLETED");
        assertThat(status.path("objects").asInt()).isEqualTo(43);
        assertThat(status.path("predictions").asInt()).isEqualTo(40);
        assertThat(status.path("errors").asInt()).isEqualTo(3);
        assertThat(status.path("executions").asInt()).isEqualTo(1);

        Map<String, JsonNode> predictions = lines("mixed-1", "predictions");
        Map<String, JsonNode> errors = lines("mixed-1", "errors");
        assertThat(predictions).hasSize(40);
        assertThat(errors.keySet())
                .containsExactlyInAnyOrder(
                        "batches/mixed/notes.txt", "batches/mixed/truncated.png", "batches/mixed/huge.png");
        assertThat(errors.get("batches/mixed/notes.txt").path("reason").asString())
                .isEqualTo("NOT_AN_IMAGE");
        assertThat(errors.get("batches/mixed/huge.png").path("reason").asString())
                .isEqualTo("TOO_MANY_PIXELS");
        assertThat(errors.get("batches/mixed/truncated.png").path("error").asString())
                .isNotBlank();
        JsonNode first = predictions.get("batches/mixed/img-000.png");
        assertThat(first.path("version").asInt()).isEqualTo(1);
        assertThat(first.path("generation").asLong()).isPositive();
        assertThat(first.path("top")).hasSize(3);
        String classified = json.readTree(
                        classify("fashion", Files.readAllBytes(images.get(0))).getBody())
                .path("label")
                .asString();
        assertThat(first.path("label").asString()).isEqualTo(classified);

        JsonNode summary =
                json.readTree(Files.readString(DATA.resolve("local/predictions/jobs/score/mixed-1/summary.json")));
        assertThat(summary.path("objects").asInt()).isEqualTo(43);
        assertThat(summary.path("predictions").asInt()).isEqualTo(40);
        assertThat(summary.path("errors").asInt()).isEqualTo(3);
        assertThat(summary.path("errorsByReason").path("NOT_AN_IMAGE").asInt()).isEqualTo(1);
        assertThat(summary.path("version").asInt()).isEqualTo(1);
        assertThat(summary.path("imagesPerSecond").asDouble()).isPositive();
    }

    @Test
    void aPartitionedRunEqualsASinglePartitionRunLineForLine() throws Exception {
        // given: 200 images → 13 chunks of 16
        Path dir = prefix("same");
        List<Path> images = SampleDataset.images().subList(100, 300);
        for (int i = 0; i < images.size(); i++) {
            Files.copy(images.get(i), dir.resolve(String.format("img-%03d.png", i)));
        }

        // when
        submit("{\"job\":\"score\",\"input\":\"gs://local/batches/same/\",\"model\":\"fashion\",\"id\":\"same-p4\"}");
        submit(
                "{\"job\":\"score\",\"input\":\"gs://local/batches/same/\",\"model\":\"fashion\",\"id\":\"same-p1\",\"partitions\":1}");
        awaitComplete("same-p4");
        awaitComplete("same-p1");

        // then
        Map<String, JsonNode> partitioned = lines("same-p4", "predictions");
        Map<String, JsonNode> single = lines("same-p1", "predictions");
        assertThat(partitioned).hasSize(200);
        assertThat(partitioned).isEqualTo(single);
        assertThat(json.readTree(Files.readString(DATA.resolve("local/predictions/jobs/score/same-p4/summary.json")))
                        .path("partitions")
                        .asInt())
                .isEqualTo(4);
        assertThat(json.readTree(Files.readString(DATA.resolve("local/predictions/jobs/score/same-p1/summary.json")))
                        .path("partitions")
                        .asInt())
                .isEqualTo(1);
        try (Stream<Path> shards = Files.list(DATA.resolve("local/predictions/jobs/score/same-p4"))) {
            assertThat(shards.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("predictions-")))
                    .contains("predictions-00000.jsonl", "predictions-00012.jsonl")
                    .hasSize(13);
        }
    }

    @Test
    void aJobKeepsTheVersionItStartedWithWhenTheChampionMoves() throws Exception {
        // given: a model of its own with two versions, version 1 champion
        int v1 = training.trainAndRegister(
                        new ModelTraining.Request("pinned", "local", "training/", "tribuo-cart", Map.of("maxDepth", 3)),
                        "test")
                .version();
        int v2 = training.trainAndRegister(
                        new ModelTraining.Request("pinned", "local", "training/", "tribuo-cart", Map.of("maxDepth", 5)),
                        "test")
                .version();
        registry.promote("pinned", v1, Optional.empty(), "test", "start");
        Path dir = prefix("pinning");
        List<Path> images = SampleDataset.images().subList(300, 700);
        for (int i = 0; i < images.size(); i++) {
            Files.copy(images.get(i), dir.resolve(String.format("img-%03d.png", i)));
        }

        // when: the champion moves right after the job was submitted, while it runs
        ResponseEntity<String> submitted = submit(
                "{\"job\":\"score\",\"input\":\"gs://local/batches/pinning/\",\"model\":\"pinned@champion\",\"id\":\"pin-1\"}");
        assertThat(json.readTree(submitted.getBody()).path("version").asInt()).isEqualTo(v1);
        ResponseEntity<String> promoted =
                postJson("/v1/models/pinned:promote", "{\"version\":" + v2 + "}", adminToken());
        assertThat(promoted.getStatusCode().value()).as(promoted.getBody()).isEqualTo(200);
        awaitComplete("pin-1");

        // then
        Set<Integer> versions = new HashSet<>();
        lines("pin-1", "predictions")
                .values()
                .forEach(l -> versions.add(l.path("version").asInt()));
        assertThat(versions).containsExactly(v1);
        assertThat(lines("pin-1", "predictions")).hasSize(400);
    }

    @Test
    void badJobRequestsArePreciseAndNeedAnAdmin() throws Exception {
        assertProblem(
                postJson("/jobs", "{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"fashion\"}", null),
                401,
                "Bearer");
        assertProblem(
                submit("{\"job\":\"score\",\"input\":\"/tmp/x\",\"model\":\"fashion\"}"), 400, "gs://bucket/prefix/");
        assertProblem(submit("{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"nope\"}"), 404, "nope");
        assertProblem(
                submit("{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"fashion@42\"}"),
                404,
                "no version 42");
        assertProblem(
                submit("{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"fashion\",\"id\":\"../up\"}"),
                400,
                "job id");
        assertProblem(
                submit("{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"fashion\",\"id\":\"retrain-7\"}"),
                400,
                "the form of a retrain run's id");
        assertProblem(
                submit("{\"job\":\"explode\",\"model\":\"fashion\"}"), 400, "\"job\" must be \"score\" or \"retrain\"");
        assertProblem(get("/jobs/never-submitted"), 404, "no job 'never-submitted'");
    }

    @Test
    void anEmptyPrefixCompletesWithAnEmptySummary() throws Exception {
        prefix("empty");
        submit("{\"job\":\"score\",\"input\":\"gs://local/batches/empty/\",\"model\":\"fashion\",\"id\":\"empty-1\"}");
        JsonNode status = awaitComplete("empty-1");
        assertThat(status.path("objects").asInt()).isZero();
        List<String> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(DATA.resolve("local/predictions/jobs/score/empty-1"))) {
            list.forEach(p -> files.add(p.getFileName().toString()));
        }
        assertThat(files).contains("summary.json").noneMatch(n -> n.startsWith("predictions-"));
    }
}

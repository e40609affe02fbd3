package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.model.ModelInput;
import dev.orchard.model.TestSavedModels;
import dev.orchard.system.WorkerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * After a restart, readiness waits for every model that has a champion — a model brought in with
 * {@code POST /v1/models/{name}/versions} included, not only the job specs' — loaded and run once,
 * so no first request pays for the load; a registered model whose champion cannot be loaded is
 * reported, and does not keep the worker out of service.
 */
class WarmBeforeReadyIntegrationTests {

    final Path dir = Path.of("target/worker-logs/warm-before-ready-" + System.currentTimeMillis())
            .toAbsolutePath();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void everyChampionInTheRegistryIsLoadedBeforeTheWorkerSaysReady() throws Exception {
        // given: two models brought in with their own SavedModels, then one of them damaged
        Path root = dir.resolve("data");
        ModelInput input = new ModelInput(28, 28, 1, ModelInput.Scaling.UNIT);
        for (String name : new String[] {"brought", "damaged"}) {
            Path export = Files.createDirectories(root.resolve("local/exports/" + name));
            TestSavedModels.linear(export, input, new float[input.size()][3], new float[3], true);
            Files.writeString(export.resolve("labels.txt"), "a\nb\nc\n");
        }
        Map<String, String> settings = Map.of(
                "orchard.storage.local.root", root.toString(),
                "orchard.registry.work-dir", dir.resolve("work").toString(),
                "orchard.trigger.local.enabled", "false");
        try (WorkerProcess first = WorkerProcess.start("first", dir, settings)) {
            first.awaitReady(Duration.ofSeconds(120));
            String token =
                    Files.readString(root.resolve(".orchard-admin-token")).strip();
            for (String name : new String[] {"brought", "damaged"}) {
                HttpResponse<String> imported = first.postJson(
                        "/v1/models/" + name + "/versions",
                        token,
                        "{\"source\":\"gs://local/exports/" + name + "/\",\"promote\":true}");
                assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
            }
        }
        Files.write(
                root.resolve("local/models/damaged/versions/1/model/saved_model.pb"),
                "not a graph".getBytes(java.nio.charset.StandardCharsets.UTF_8));

        // when: the worker starts again
        try (WorkerProcess second = WorkerProcess.start("second", dir, settings)) {
            second.awaitReady(Duration.ofSeconds(120));

            // then: the moment it is ready, it already serves the brought-in model, warmed
            JsonNode status = json.readTree(second.get("/v1/models/brought").body());
            assertThat(status.path("serving").asInt()).as(status.toString()).isEqualTo(1);
            JsonNode readiness =
                    json.readTree(second.get("/actuator/health/readiness").body());
            JsonNode champions = readiness.findValue("champions").path("details");
            assertThat(champions.path("brought").asString()).isEqualTo("version 1");
            assertThat(champions.path("fashion").asString()).startsWith("version ");
            assertThat(champions.path("damaged").asString()).startsWith("failed to load: ");
            assertThat(Files.readString(dir.resolve("second.log")))
                    .doesNotContain("model brought: the warm-up run on a blank image failed")
                    // TensorFlow's runtime was loaded by the scan at start, not by the first champion's load
                    .containsPattern("\\[ *champion-scan\\].*TensorFlow runtime loaded during start-up in \\d+ ms"
                            + " \\(SavedModel champions: brought, damaged\\)");
            // a start whose champions were all Tribuo models (none, then the bootstrap's) did not load it
            assertThat(Files.readString(dir.resolve("first.log"))).doesNotContain("TensorFlow runtime loaded");
        }
    }
}

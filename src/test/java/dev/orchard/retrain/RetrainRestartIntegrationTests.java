package dev.orchard.retrain;

import static dev.orchard.system.WorkerChecks.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.system.WorkerProcess;
import dev.orchard.training.TrainedChampions;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * kill -9 in the middle of training a CNN, then a restart: the retrain is recovered and resumed by
 * itself from its train step (the snapshot step is not run again), registers exactly one version,
 * and promotes it. Before the kill, a live worker's long train step is never taken for a dead one:
 * its heartbeat outlasts a stale-after of two seconds.
 */
class RetrainRestartIntegrationTests {

    final Path dir = Path.of("target/worker-logs/retrain-restart-" + System.currentTimeMillis())
            .toAbsolutePath();
    final JsonMapper json = JsonMapper.builder().build();

    static final String SPEC = """
            name: retrain-restartable
            kind: retrain
            model: restartable
            dataset: gs://local/restartable-training/
            trainer:
              type: tensorflow-cnn
              params: {epochs: 300, filters: 8}
            gate:
              min-accuracy: 0.2
              max-regression: 1
            """;

    @Test
    void aWorkerKilledMidTrainingFinishesTheRetrainOnceAfterRestart() throws Exception {
        // given: a labelled dataset, and a retrain spec training a CNN for 300 epochs on it
        Path root = dir.resolve("data");
        TrainedChampions.addImages(root.resolve("local/restartable-training"), 0, 60);
        Path jobs = Files.createDirectories(dir.resolve("jobs"));
        Files.writeString(jobs.resolve("retrain.yaml"), SPEC);
        Map<String, String> settings = Map.of(
                "orchard.storage.local.root", root.toString(),
                "orchard.registry.work-dir", dir.resolve("work").toString(),
                "orchard.jobs.location", jobs.toString(),
                "orchard.retrain.resume-interval", "1s",
                "orchard.batch.stale-after", "2s",
                "orchard.batch.stale-check-interval", "1s",
                "orchard.trigger.local.enabled", "false");
        String id;
        try (WorkerProcess first = WorkerProcess.start("first", dir, settings)) {
            first.awaitReady(Duration.ofSeconds(120));
            HttpResponse<String> submitted = first.postJson(
                    "/jobs",
                    Files.readString(root.resolve(".orchard-admin-token")).strip(),
                    "{\"job\":\"retrain\",\"model\":\"restartable\"}");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
            id = json.readTree(submitted.body()).path("id").asString();

            // when: training has run for longer than stale-after, still alive, and is killed
            JsonNode training = await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> status(first, id), s -> trainingFor(s, Duration.ofSeconds(4)));
            assertThat(training.path("status").asString()).isEqualTo("STARTED");
            assertThat(training.path("executions").asInt()).isEqualTo(1);
            int epoch =
                    training.path("steps").get(1).path("progress").path("epoch").asInt();
            assertThat(epoch).as("the kill must land mid-training").isBetween(1, 299);
            first.kill9();
        }
        assertThat(root.resolve("local/models/restartable/versions")).doesNotExist();

        // then: a restarted worker recovers the run and finishes it
        try (WorkerProcess second = WorkerProcess.start("second", dir, settings)) {
            second.awaitReady(Duration.ofSeconds(120));
            JsonNode done = await().atMost(Duration.ofSeconds(240))
                    .pollInterval(Duration.ofMillis(250))
                    .until(
                            () -> status(second, id),
                            s -> s.path("status").asString().equals("COMPLETED"));
            assertThat(done.path("outcome").asString()).as(done.toString()).isEqualTo("PROMOTED");
            assertThat(done.path("executions").asInt()).isEqualTo(2);
            assertThat(done.path("version").asInt()).isEqualTo(1);
            assertThat(done.path("steps").get(1).path("progress").path("epoch").asInt())
                    .isEqualTo(300);
            JsonNode champion =
                    json.readTree(second.get("/v1/models/restartable/versions").body());
            assertThat(champion.path("champion").path("version").asInt()).isEqualTo(1);
        }
        try (var versions = Files.list(root.resolve("local/models/restartable/versions"))) {
            assertThat(versions.toList()).as("exactly one version registered").hasSize(1);
        }
        try (Connection db =
                DriverManager.getConnection("jdbc:h2:file:" + root.resolve(".orchard-jobs/batch"), "sa", "")) {
            assertThat(single(db, "SELECT COUNT(*) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = 'retrain-snapshot'"))
                    .as("the completed snapshot step is not run again")
                    .isEqualTo(1);
            assertThat(single(db, "SELECT COUNT(*) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME = 'retrain-train'"))
                    .isEqualTo(2);
            assertThat(single(db, "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION WHERE STATUS IN ('STARTING', 'STARTED')"))
                    .isZero();
        }
    }

    private JsonNode status(WorkerProcess worker, String id) throws Exception {
        return json.readTree(worker.get("/jobs/" + id).body());
    }

    /** Whether the train step has been running for at least {@code running}, with epochs done. */
    private static boolean trainingFor(JsonNode status, Duration running) {
        JsonNode train = status.path("steps").path(1);
        return train.path("status").asString().equals("STARTED")
                && train.path("progress").path("epoch").asInt() >= 1
                && Instant.parse(train.path("startedAt").asString())
                        .isBefore(Instant.now().minus(running));
    }
}

package dev.orchard.prefixscoring;

import static dev.orchard.system.WorkerChecks.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.system.WorkerProcess;
import dev.orchard.training.SampleDataset;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * kill -9 in the middle of a prefix job, then a restart: the job resumes by itself (stale
 * execution recovery, then the resumer), partitions that had completed are not run again, and the
 * output holds every image in exactly one line.
 */
class PrefixJobRestartIntegrationTests {

    static final int IMAGES = 3000; // 750 chunks of 4, 6 partitions of 125 chunks

    final Path dir = Path.of("target/worker-logs/prefix-restart-" + System.currentTimeMillis())
            .toAbsolutePath();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void aWorkerKilledMidJobFinishesItExactlyOnceAfterRestart() throws Exception {
        // given
        Path root = dir.resolve("data");
        Path input = Files.createDirectories(root.resolve("local/batches/nightly"));
        List<Path> images = SampleDataset.images();
        for (int i = 0; i < IMAGES; i++) {
            Files.copy(images.get(i), input.resolve(String.format("img-%04d.png", i)));
        }
        Map<String, String> settings = Map.of(
                "orchard.storage.local.root", root.toString(),
                "orchard.registry.work-dir", dir.resolve("work").toString(),
                "orchard.prefix-jobs.chunk-size", "4",
                "orchard.prefix-jobs.partitions", "6",
                "orchard.prefix-jobs.threads", "2",
                "orchard.prefix-jobs.resume-interval", "1s",
                "orchard.batch.stale-after", "2s",
                "orchard.batch.stale-check-interval", "1s",
                "orchard.trigger.local.enabled", "false");
        Path output = root.resolve("local/predictions/jobs/score/nightly-1");

        try (WorkerProcess first = WorkerProcess.start("first", dir, settings)) {
            first.awaitReady(Duration.ofSeconds(120));
            HttpResponse<String> submitted = first.postJson(
                    "/jobs",
                    Files.readString(root.resolve(".orchard-admin-token")).strip(),
                    "{\"job\":\"score\",\"input\":\"gs://local/batches/nightly/\",\"model\":\"fashion\",\"id\":\"nightly-1\"}");
            assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);

            // when: killed once the first partition has completed, while others run
            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> Files.exists(output.resolve("predictions-00124.jsonl")));
            Thread.sleep(100);
            first.kill9();
        }
        assertThat(output.resolve("summary.json"))
                .as("the kill must land mid-job")
                .doesNotExist();

        // then: a restarted worker resumes and completes the job
        try (WorkerProcess second = WorkerProcess.start("second", dir, settings)) {
            second.awaitReady(Duration.ofSeconds(120));
            await().atMost(Duration.ofSeconds(180)).until(() -> Files.exists(output.resolve("summary.json")));
            HttpResponse<String> status = second.get("/jobs/nightly-1");
            JsonNode body = json.readTree(status.body());
            assertThat(body.path("status").asString()).isEqualTo("COMPLETED");
            assertThat(body.path("executions").asInt()).isEqualTo(2);
            assertThat(body.path("predictions").asInt()).isEqualTo(IMAGES);
        }
        assertThat(JobShards.read(output, "predictions"))
                .as("every image in exactly one line")
                .hasSize(IMAGES);
        JsonNode summary = json.readTree(Files.readString(output.resolve("summary.json")));
        assertThat(summary.path("predictions").asInt()).isEqualTo(IMAGES);
        assertThat(summary.path("executions").asInt()).isEqualTo(2);
        try (Connection db =
                DriverManager.getConnection("jdbc:h2:file:" + root.resolve(".orchard-jobs/batch"), "sa", "")) {
            assertThat(single(db, "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION WHERE STATUS IN ('STARTING', 'STARTED')"))
                    .isZero();
            long rerun = single(
                    db,
                    "SELECT COUNT(*) FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE 'score-prefix-partition:%'"
                            + " AND JOB_EXECUTION_ID = (SELECT MAX(JOB_EXECUTION_ID) FROM BATCH_JOB_EXECUTION)");
            assertThat(rerun).as("completed partitions are not run again").isBetween(1L, 5L);
        }
    }
}

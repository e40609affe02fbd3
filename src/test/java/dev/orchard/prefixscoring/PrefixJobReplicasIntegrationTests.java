package dev.orchard.prefixscoring;

import static dev.orchard.system.WorkerChecks.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.system.WorkerProcess;
import dev.orchard.testing.TestBackends;
import dev.orchard.training.SampleDataset;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Three replicas on one PostgreSQL job repository; the one running a prefix job is killed with
 * SIGKILL. Both survivors find the job FAILED and try to resume it every 300 ms: exactly one new
 * execution is created (Spring Batch creates executions under SERIALIZABLE isolation), it finishes
 * the job, and every image is in exactly one line.
 */
@EnabledIf("dev.orchard.testing.TestBackends#postgresAvailable")
class PrefixJobReplicasIntegrationTests {

    static final int IMAGES = 2000; // 500 chunks of 4, 6 partitions

    final Path dir = Path.of("target/worker-logs/prefix-replicas-" + System.currentTimeMillis())
            .toAbsolutePath();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void twoSurvivorsResumeAKilledReplicasJobExactlyOnce() throws Exception {
        String database =
                "orchard_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(TestBackends.postgresUrl(), "orchard", "orchard")) {
            admin.createStatement().execute("CREATE DATABASE " + database);
            String jdbcUrl = TestBackends.postgresUrl().replaceAll("/[^/]*$", "/" + database);
            try {
                run(jdbcUrl);
            } finally {
                admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    private void run(String jdbcUrl) throws Exception {
        // given: a prefix of images and three replicas sharing storage and the job repository
        Path root = dir.resolve("data");
        Path input = Files.createDirectories(root.resolve("local/batches/nightly"));
        List<Path> images = SampleDataset.images();
        for (int i = 0; i < IMAGES; i++) {
            Files.copy(images.get(i), input.resolve(String.format("img-%04d.png", i)));
        }
        Map<String, String> settings = new HashMap<>(Map.of(
                "orchard.storage.local.root", root.toString(),
                "orchard.prefix-jobs.chunk-size", "4",
                "orchard.prefix-jobs.partitions", "6",
                "orchard.prefix-jobs.resume-interval", "300ms",
                "orchard.batch.stale-after", "2s",
                "orchard.batch.stale-check-interval", "500ms",
                "orchard.trigger.local.enabled", "false",
                "spring.datasource.url", jdbcUrl,
                "spring.datasource.username", "orchard",
                "spring.datasource.password", "orchard"));
        Path output = root.resolve("local/predictions/jobs/score/nightly-1");

        try (WorkerProcess a = start("a", settings)) {
            a.awaitReady(Duration.ofSeconds(120)); // a trains the sample model; b and c find it
            try (WorkerProcess b = start("b", settings);
                    WorkerProcess c = start("c", settings)) {
                b.awaitReady(Duration.ofSeconds(120));
                c.awaitReady(Duration.ofSeconds(120));
                HttpResponse<String> submitted = a.postJson(
                        "/jobs",
                        Files.readString(root.resolve(".orchard-admin-token")).strip(),
                        "{\"job\":\"score\",\"input\":\"gs://local/batches/nightly/\",\"model\":\"fashion\",\"id\":\"nightly-1\"}");
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);

                // when: a is killed once its first partition has completed
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> Files.exists(output.resolve("predictions-00083.jsonl")));
                a.kill9();
                assertThat(output.resolve("summary.json"))
                        .as("the kill must land mid-job")
                        .doesNotExist();

                // then: the survivors finish it with one new execution between them
                await().atMost(Duration.ofSeconds(240)).until(() -> Files.exists(output.resolve("summary.json")));
                Thread.sleep(3_000); // let any late duplicate resume show itself
            }
        }
        assertThat(JobShards.read(output, "predictions"))
                .as("every image in exactly one line")
                .hasSize(IMAGES);
        try (Connection db = DriverManager.getConnection(jdbcUrl, "orchard", "orchard")) {
            assertThat(single(
                            db,
                            "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
                                    + " ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID WHERE i.JOB_NAME = '"
                                    + PrefixJobConfiguration.JOB_NAME + "'"))
                    .as("the killed execution and exactly one resumed execution")
                    .isEqualTo(2);
            assertThat(single(
                            db,
                            "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
                                    + " ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID WHERE i.JOB_NAME = '"
                                    + PrefixJobConfiguration.JOB_NAME + "' AND e.STATUS = 'COMPLETED'"))
                    .isEqualTo(1);
        }
        JsonNode summary = json.readTree(Files.readString(output.resolve("summary.json")));
        assertThat(summary.path("predictions").asInt()).isEqualTo(IMAGES);
        assertThat(summary.path("executions").asInt()).isEqualTo(2);
    }

    private WorkerProcess start(String id, Map<String, String> settings) throws Exception {
        Map<String, String> own = new HashMap<>(settings);
        own.put("orchard.jobs.worker-id", id);
        own.put("orchard.registry.work-dir", dir.resolve("work-" + id).toString());
        return WorkerProcess.start(id, dir, own);
    }
}

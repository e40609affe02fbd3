package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.system.WorkerProcess;
import dev.orchard.testing.TestBackends;
import dev.orchard.training.SampleDataset;
import dev.orchard.trigger.PubSubEmulator;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remote partitioning over Pub/Sub: two worker processes on one PostgreSQL job repository and one
 * partition subscription. A job submitted to one of them runs partitions on both; the other is
 * killed with SIGKILL in the middle of a partition, whose request comes back and is finished by the
 * survivor from its last committed chunk. Every image ends in exactly one line.
 */
@EnabledIf("dev.orchard.testing.TestBackends#pubSubAndPostgresAvailable")
class RemotePartitionsIntegrationTests {

    static final int IMAGES = 2400; // 75 chunks of 32, 12 partitions

    final Path dir = Path.of("target/worker-logs/remote-partitions-" + System.currentTimeMillis())
            .toAbsolutePath();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void partitionsRunOnBothReplicasAndSurviveTheLossOfOne() throws Exception {
        String database =
                "orchard_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(TestBackends.postgresUrl(), "orchard", "orchard");
                PubSubEmulator emulator = new PubSubEmulator()) {
            admin.createStatement().execute("CREATE DATABASE " + database);
            String jdbcUrl = TestBackends.postgresUrl().replaceAll("/[^/]*$", "/" + database);
            String deadLetter = emulator.topic("dead-letter");
            String topic = emulator.topic("partitions");
            String subscription = emulator.subscription("partitions", topic, deadLetter, 20);
            Path root = dir.resolve("data");
            Path input = Files.createDirectories(root.resolve("local/batches/remote"));
            List<Path> images = SampleDataset.images();
            for (int i = 0; i < IMAGES; i++) {
                Files.copy(images.get(i), input.resolve(String.format("img-%04d.png", i)));
            }
            Map<String, String> settings = new HashMap<>(Map.of(
                    "orchard.storage.local.root",
                    root.toString(),
                    "orchard.trigger.local.enabled",
                    "false",
                    "orchard.pubsub.enabled",
                    "true",
                    "orchard.pubsub.notification-subscription",
                    "",
                    "orchard.pubsub.command-subscription",
                    "",
                    "orchard.pubsub.dead-letter-topic",
                    deadLetter,
                    "spring.cloud.gcp.pubsub.emulator-host",
                    emulator.host(),
                    "spring.cloud.gcp.project-id",
                    PubSubEmulator.PROJECT,
                    "spring.datasource.url",
                    jdbcUrl));
            settings.putAll(Map.of(
                    "spring.datasource.username", "orchard",
                    "spring.datasource.password", "orchard",
                    "orchard.prefix-jobs.remote.enabled", "true",
                    "orchard.prefix-jobs.remote.topic", topic,
                    "orchard.prefix-jobs.remote.subscription", subscription,
                    "orchard.prefix-jobs.chunk-size", "32",
                    "orchard.prefix-jobs.partitions", "12",
                    "orchard.prefix-jobs.threads", "1",
                    "spring.cloud.gcp.pubsub.subscriber.max-duration-per-ack-extension", "10"));
            settings.put("orchard.prefix-jobs.min-partition-chunks", "1"); // 12 partitions of 6-7 chunks
            Path output = root.resolve("local/predictions/jobs/score/remote-1");
            try (WorkerProcess a = start("a", settings);
                    WorkerProcess b = start("b", settings)) {
                b.awaitReady(Duration.ofSeconds(120));

                // when: a job submitted to a, and b killed while it runs a partition
                HttpResponse<String> submitted = a.postJson(
                        "/jobs",
                        Files.readString(root.resolve(".orchard-admin-token")).strip(),
                        "{\"job\":\"score\",\"input\":\"gs://local/batches/remote/\",\"model\":\"fashion\","
                                + "\"id\":\"remote-1\"}");
                assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
                await().atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(20))
                        .until(() -> ran(dir.resolve("b.log")).size() >= 1
                                && started(dir.resolve("b.log"))
                                        > ran(dir.resolve("b.log")).size());
                b.kill9();
                assertThat(output.resolve("summary.json"))
                        .as("the kill must land mid-job")
                        .doesNotExist();

                // then
                await().atMost(Duration.ofSeconds(300)).until(() -> Files.exists(output.resolve("summary.json")));
                // summary.json is the job's last step; the execution is marked COMPLETED just after
                // it. Stopping worker a before that would leave it STARTED for stale-execution recovery.
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> unfinishedExecutions(jdbcUrl) == 0);
            }
            assertThat(JobShards.read(output, "predictions"))
                    .as("every image in exactly one line")
                    .hasSize(IMAGES);
            Set<String> byA = ran(dir.resolve("a.log"));
            Set<String> byB = ran(dir.resolve("b.log"));
            assertThat(byA).as("partitions run by the submitting replica").isNotEmpty();
            assertThat(byB).as("partitions run by the other replica").isNotEmpty();
            Set<String> all = new HashSet<>(byA);
            all.addAll(byB);
            assertThat(all).hasSize(12);
            try (Connection db = DriverManager.getConnection(jdbcUrl, "orchard", "orchard");
                    ResultSet rs = db.createStatement()
                            .executeQuery("SELECT e.STATUS FROM BATCH_JOB_EXECUTION e JOIN BATCH_JOB_INSTANCE i"
                                    + " ON e.JOB_INSTANCE_ID = i.JOB_INSTANCE_ID WHERE i.JOB_NAME = '"
                                    + PrefixJobConfiguration.JOB_NAME + "'")) {
                assertThat(rs.next()).as("one prefix job execution").isTrue();
                assertThat(rs.getString(1)).isEqualTo("COMPLETED");
                assertThat(rs.next()).as("one prefix job execution").isFalse();
            } finally {
                admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    /** Job executions not yet finished. */
    private static long unfinishedExecutions(String jdbcUrl) throws Exception {
        try (Connection db = DriverManager.getConnection(jdbcUrl, "orchard", "orchard");
                ResultSet rs = db.createStatement()
                        .executeQuery(
                                "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION WHERE STATUS IN ('STARTING','STARTED')")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private WorkerProcess start(String id, Map<String, String> settings) throws Exception {
        Map<String, String> own = new HashMap<>(settings);
        own.put("orchard.jobs.worker-id", id);
        own.put("orchard.registry.work-dir", dir.resolve("work-" + id).toString());
        WorkerProcess worker = WorkerProcess.start(id, dir, own);
        if (id.equals("a")) {
            worker.awaitReady(Duration.ofSeconds(120)); // a trains the sample model first; b finds it
        }
        return worker;
    }

    private static final Pattern RAN =
            Pattern.compile("worker \\w+ ran partition (\\S+) of job execution \\d+: COMPLETED");

    /** Partitions a worker's log says it completed. */
    private static Set<String> ran(Path log) throws Exception {
        Set<String> partitions = new HashSet<>();
        if (Files.exists(log)) {
            Matcher m = RAN.matcher(Files.readString(log));
            while (m.find()) {
                partitions.add(m.group(1));
            }
        }
        return partitions;
    }

    private static long started(Path log) throws Exception {
        return Files.exists(log)
                ? Files.readString(log)
                        .lines()
                        .filter(l -> l.contains(" runs partition "))
                        .count()
                : 0;
    }
}

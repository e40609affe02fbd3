package dev.orchard.system;

import static dev.orchard.system.WorkerChecks.resultFiles;
import static dev.orchard.system.WorkerChecks.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.pubsub.v1.TopicName;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.testing.TestBackends;
import dev.orchard.training.SampleDataset;
import dev.orchard.trigger.PubSubEmulator;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Two worker processes on one notification subscription and one PostgreSQL job repository, with a
 * duplicate of every notification, and one of them killed with SIGKILL mid-stream: every object is
 * scored and recorded done exactly once, both workers did part of the work, and no job execution
 * stays STARTED.
 */
@EnabledIf("dev.orchard.testing.TestBackends#pubSubAndPostgresAvailable")
class ReplicasIntegrationTests {

    static final int UPLOADS = 600;

    /** Kept under target/ so the workers' logs can be read after a failure. */
    Path dir =
            Path.of("target/worker-logs/replicas-" + System.currentTimeMillis()).toAbsolutePath();

    @Test
    void twoReplicasShareTheWorkAndSurviveTheLossOfOne() throws Exception {
        String database =
                "orchard_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(TestBackends.postgresUrl(), "orchard", "orchard");
                PubSubEmulator emulator = new PubSubEmulator()) {
            admin.createStatement().execute("CREATE DATABASE " + database);
            String jdbcUrl = TestBackends.postgresUrl().replaceAll("/[^/]*$", "/" + database);
            String deadLetter = emulator.topic("dead-letter");
            String topic = emulator.topic("uploads");
            String subscription = emulator.subscription("uploads", topic, deadLetter, 10);
            Path root = dir.resolve("data");
            Map<String, String> settings = new HashMap<>(Map.of(
                    "orchard.storage.local.root",
                    root.toString(),
                    "orchard.trigger.local.enabled",
                    "false",
                    "orchard.pubsub.enabled",
                    "true",
                    "orchard.pubsub.notification-subscription",
                    subscription,
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
                    "orchard.jobs.max-window-size", "16",
                    "orchard.jobs.claim-lease", "5s",
                    "orchard.batch.stale-after", "5s",
                    "orchard.batch.stale-check-interval", "2s",
                    // short ack extensions: a dead replica's messages come back within seconds
                    "spring.cloud.gcp.pubsub.subscriber.max-duration-per-ack-extension", "10"));

            try (WorkerProcess a = start("a", settings, root);
                    WorkerProcess b = start("b", settings, root)) {
                // given: both replicas subscribed
                a.awaitReady(Duration.ofSeconds(120));
                b.awaitReady(Duration.ofSeconds(120));

                // and: the same retrain asked of both at once is one run in the shared job repository
                retrainOnceOnBoth(a, b, root);

                // when: every upload announced twice, and replica a killed mid-stream
                List<ObjectRef> uploads = upload(root);
                publishTwice(emulator, topic, uploads);
                Path results = root.resolve("local/predictions/uploads");
                await().atMost(Duration.ofSeconds(60)).until(() -> resultFiles(results) >= 60);
                a.kill9();

                // then
                await().atMost(Duration.ofSeconds(420)).until(() -> resultFiles(results) == UPLOADS);
                try (Connection db = DriverManager.getConnection(jdbcUrl, "orchard", "orchard")) {
                    assertThat(single(db, "SELECT COUNT(*) FROM ORCHARD_UPLOAD_LEDGER WHERE STATE = 'DONE'"))
                            .isEqualTo(UPLOADS);
                    assertThat(single(db, "SELECT COUNT(DISTINCT OWNER) FROM ORCHARD_UPLOAD_LEDGER"))
                            .as("work spread over both replicas")
                            .isEqualTo(2);
                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> single(
                                            db,
                                            "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION WHERE STATUS IN ('STARTING','STARTED')")
                                    == 0);
                }
            } finally {
                admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            }
        }
    }

    /** New labelled data for the sample model, and one retrain of it asked of both replicas at the same moment. */
    private void retrainOnceOnBoth(WorkerProcess a, WorkerProcess b, Path root) throws Exception {
        Path trousers = root.resolve("local/training/trouser");
        List<Path> extra = SampleDataset.images("trouser", 70).subList(60, 70);
        for (int i = 0; i < extra.size(); i++) {
            Files.copy(extra.get(i), trousers.resolve("replica-extra-" + i + ".png"));
        }
        String token = Files.readString(root.resolve(".orchard-admin-token")).strip();
        String body = "{\"job\":\"retrain\",\"model\":\"fashion\",\"min-accuracy\":0,\"promote\":\"manual\"}";
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.CompletableFuture<java.net.http.HttpResponse<String>>> answers = new ArrayList<>();
        for (WorkerProcess worker : List.of(a, b)) {
            answers.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                    return worker.postJson("/jobs", token, body);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        go.countDown();
        tools.jackson.databind.json.JsonMapper json =
                tools.jackson.databind.json.JsonMapper.builder().build();
        List<String> ids = new ArrayList<>();
        for (var answer : answers) {
            java.net.http.HttpResponse<String> response = answer.get(120, TimeUnit.SECONDS);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            ids.add(json.readTree(response.body()).path("id").asString());
        }
        assertThat(ids.get(1)).as("both replicas name the same run").isEqualTo(ids.get(0));
        await().atMost(Duration.ofSeconds(120))
                .until(() -> json.readTree(b.get("/jobs/" + ids.get(0)).body())
                        .path("status")
                        .asString()
                        .equals("COMPLETED"));
        tools.jackson.databind.JsonNode done =
                json.readTree(a.get("/jobs/" + ids.get(0)).body());
        assertThat(done.path("outcome").asString()).as(done.toString()).isEqualTo("PASSED");
        assertThat(done.path("executions").asInt()).isEqualTo(1);
        try (var versions = Files.list(root.resolve("local/models/fashion/versions"))) {
            assertThat(versions.toList()).as("one retrain, one new version").hasSize(2);
        }
    }

    private WorkerProcess start(String id, Map<String, String> settings, Path root) throws Exception {
        Map<String, String> own = new HashMap<>(settings);
        own.put("orchard.jobs.worker-id", id);
        own.put("orchard.registry.work-dir", dir.resolve("work-" + id).toString());
        WorkerProcess worker = WorkerProcess.start(id, dir, own);
        if (id.equals("a")) {
            worker.awaitReady(Duration.ofSeconds(120)); // a trains the sample model first; b finds it
        }
        return worker;
    }

    private static List<ObjectRef> upload(Path root) throws Exception {
        LocalBlobStore store = new LocalBlobStore(root, Clock.systemUTC());
        List<Path> images = SampleDataset.images().subList(0, UPLOADS);
        List<ObjectRef> uploads = new ArrayList<>();
        for (int i = 0; i < UPLOADS; i++) {
            uploads.add(store.put(
                    "local", "uploads/r-" + i + ".png", Files.readAllBytes(images.get(i)), WritePrecondition.none()));
        }
        return uploads;
    }

    private static void publishTwice(PubSubEmulator emulator, String topic, List<ObjectRef> uploads) throws Exception {
        ManagedChannel channel =
                ManagedChannelBuilder.forTarget(emulator.host()).usePlaintext().build();
        Publisher publisher = Publisher.newBuilder(TopicName.of(PubSubEmulator.PROJECT, topic))
                .setChannelProvider(FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build();
        try {
            for (int copy = 0; copy < 2; copy++) {
                for (ObjectRef ref : uploads) {
                    publisher.publish(PubSubEmulator.notification(ref));
                }
            }
        } finally {
            publisher.shutdown();
            publisher.awaitTermination(30, TimeUnit.SECONDS);
            channel.shutdownNow();
        }
    }
}

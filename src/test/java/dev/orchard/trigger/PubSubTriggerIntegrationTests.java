package dev.orchard.trigger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.spring.pubsub.core.PubSubTemplate;
import com.google.cloud.spring.pubsub.support.AcknowledgeablePubsubMessage;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.testing.TestDirectories;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.SampleDataset;
import dev.orchard.training.TrainedChampions;
import dev.orchard.uploads.UploadLedger;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Pub/Sub path against Google's emulator, with the local store (the combination the tests here
 * run end to end): notifications in, exactly one result per object generation out, poison messages
 * on the dead-letter topic with their reason, commands that move the champion.
 */
@EnabledIf("dev.orchard.testing.TestBackends#pubSubAvailable")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PubSubTriggerIntegrationTests {

    static PubSubEmulator EMULATOR;
    static final Path DATA = TestDirectories.create("orchard-pubsub-it-");
    static String uploadsTopic;
    static String commandsTopic;
    static String deadLetterTopic;
    static String deadLetters;

    @DynamicPropertySource
    static void pubSubWithLocalStore(DynamicPropertyRegistry registry) {
        EMULATOR = new PubSubEmulator();
        deadLetterTopic = EMULATOR.topic("dead-letter");
        deadLetters = EMULATOR.subscription("dead-letter-reader", deadLetterTopic, null, 0);
        uploadsTopic = EMULATOR.topic("uploads");
        commandsTopic = EMULATOR.topic("commands");
        String uploads = EMULATOR.subscription("uploads", uploadsTopic, deadLetterTopic, 5);
        String commands = EMULATOR.subscription("commands", commandsTopic, deadLetterTopic, 5);
        EMULATOR.workerSettings(registry, DATA, uploads, commands, deadLetterTopic);
    }

    @AfterAll
    static void cleanUp(@Autowired PubSubTrigger trigger) {
        trigger.stop(); // stop the subscribers before their subscriptions go
        EMULATOR.close();
    }

    @Autowired
    PubSubTemplate pubSub;

    @Autowired
    BlobStore store;

    @Autowired
    UploadLedger ledger;

    @Autowired
    ModelRegistry registry;

    @Autowired
    ModelTraining training;

    @Autowired
    MeterRegistry meters;

    JsonMapper json = JsonMapper.builder().build();

    @Test
    void aDuplicateStormGivesExactlyOneResultPerObject() throws Exception {
        // given: 12 uploads, each notification published three times in random order
        List<ObjectRef> uploads = new ArrayList<>();
        List<Path> images = SampleDataset.images().subList(0, 12);
        for (int i = 0; i < images.size(); i++) {
            uploads.add(store.put(
                    "local",
                    "uploads/storm-" + i + ".png",
                    Files.readAllBytes(images.get(i)),
                    WritePrecondition.none()));
        }
        List<ObjectRef> storm = new ArrayList<>();
        for (int copy = 0; copy < 3; copy++) {
            storm.addAll(uploads);
        }
        Collections.shuffle(storm, new Random(7));

        // when
        storm.forEach(this::notifyFinalize);

        // then
        for (ObjectRef upload : uploads) {
            JsonNode result = awaitResult(upload.name());
            assertThat(result.path("generation").asLong()).isEqualTo(upload.generation());
        }
        Thread.sleep(2000); // let every duplicate be delivered and settled
        for (ObjectRef upload : uploads) {
            assertThat(ledger.doneCount("local", upload.name()))
                    .as(upload.name())
                    .isEqualTo(1);
        }
        try (var results = Files.list(DATA.resolve("local/predictions/uploads"))) {
            assertThat(results.filter(p -> p.getFileName().toString().startsWith("storm-")))
                    .hasSize(12);
        }
        assertThat(pullDeadLetters(Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void aLateNotificationOfAnOlderGenerationNeverReplacesTheNewerResult() throws Exception {
        // given
        List<Path> images = SampleDataset.images();
        ObjectRef first =
                store.put("local", "uploads/twice.png", Files.readAllBytes(images.get(0)), WritePrecondition.none());
        ObjectRef second =
                store.put("local", "uploads/twice.png", Files.readAllBytes(images.get(500)), WritePrecondition.none());

        // when: the newer generation is announced first
        notifyFinalize(second);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> resultGeneration("uploads/twice.png") == second.generation());
        notifyFinalize(first);

        // then
        await().atMost(Duration.ofSeconds(30)).until(() -> ledger.isDone(first));
        assertThat(resultGeneration("uploads/twice.png")).isEqualTo(second.generation());
    }

    @Test
    void aNotificationsTraceIdReachesTheResultOfItsUpload() throws Exception {
        // given
        String trace = "5e1b4c2d3a4f5b6c7d8e9f0a1b2c3d4e";
        ObjectRef upload = store.put(
                "local",
                "uploads/traced.png",
                Files.readAllBytes(SampleDataset.images().get(42)),
                WritePrecondition.none());
        Map<String, String> attributes = new java.util.HashMap<>(Map.of(
                "eventType", "OBJECT_FINALIZE",
                "bucketId", upload.bucket(),
                "objectId", upload.name(),
                "objectGeneration", Long.toString(upload.generation()),
                "payloadFormat", "JSON_API_V1"));
        attributes.put("googclient_traceparent", "00-" + trace + "-00f067aa0ba902b7-01");

        // when
        publish(uploadsTopic, attributes, "{\"name\":\"uploads/traced.png\"}");

        // then: the result names the trace the message carried
        Path result = DATA.resolve("local/predictions/uploads/traced.png.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(result));
        assertThat(json.readTree(Files.readString(result)).path("trace").asString())
                .isEqualTo(trace);
    }

    @Test
    void eventsThatStartNoWorkAreAckedAndCounted() throws Exception {
        // given
        double ignoredBefore = counter("ignored-event");
        double unmatchedBefore = counter("unmatched");
        ObjectRef elsewhere = store.put(
                "local",
                "elsewhere/x.png",
                Files.readAllBytes(SampleDataset.images().get(3)),
                WritePrecondition.none());

        // when
        publish(
                uploadsTopic,
                Map.of(
                        "eventType",
                        "OBJECT_DELETE",
                        "bucketId",
                        "local",
                        "objectId",
                        "uploads/gone.png",
                        "objectGeneration",
                        "5",
                        "payloadFormat",
                        "JSON_API_V1"),
                "{}");
        notifyFinalize(elsewhere);

        // then
        await().atMost(Duration.ofSeconds(20))
                .until(() -> counter("ignored-event") > ignoredBefore && counter("unmatched") > unmatchedBefore);
        assertThat(Files.exists(DATA.resolve("local/predictions/elsewhere/x.png.json")))
                .isFalse();
    }

    @Test
    void poisonMessagesGoToTheDeadLetterTopicWithTheirReason() throws Exception {
        // when
        publish(uploadsTopic, Map.of("payloadFormat", "JSON_API_V1"), "{\"name\":\"x\"}");
        publish(
                uploadsTopic,
                Map.of(
                        "eventType",
                        "OBJECT_FINALIZE",
                        "bucketId",
                        "local",
                        "objectId",
                        "uploads/a.png",
                        "objectGeneration",
                        "banana"),
                "{}");
        publish(commandsTopic, Map.of(), "this is not json");
        publish(commandsTopic, Map.of(), "{\"job\":\"explode\"}");
        publish(commandsTopic, Map.of(), "{\"job\":\"promote\",\"model\":\"fashion\",\"version\":99}");
        publish(commandsTopic, Map.of(), "{\"job\":\"retrain\",\"model\":\"fashion\",\"urgent\":true}");
        publish(commandsTopic, Map.of(), "{\"job\":\"retrain\",\"model\":\"ghost\"}");
        publish(commandsTopic, Map.of(), "{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"ghost\"}");
        // a reason longer than a Pub/Sub attribute may be (the unknown field's name is in it)
        publish(commandsTopic, Map.of(), "{\"job\":\"retrain\",\"model\":\"fashion\",\"" + "z".repeat(5000) + "\":1}");
        publish(commandsTopic, Map.of(), "{\"job\":\"retrain\",\"model\":\"fashion\"}" + " ".repeat(70_000));

        // then
        List<String> reasons = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            pullDeadLetters(Duration.ZERO)
                    .forEach(m -> reasons.add(
                            m.getPubsubMessage().getAttributesOrDefault(PubSubTrigger.ERROR_ATTRIBUTE, "<none>")));
            assertThat(reasons).hasSize(10);
        });
        assertThat(String.join("\n", reasons))
                .contains("attribute 'eventType' is missing")
                .contains("objectGeneration is not a number")
                .contains("not valid JSON")
                .contains("unknown job 'explode'")
                .contains("has no version 99")
                .contains("unknown field 'urgent'")
                .contains("model 'ghost' has no champion to take a recipe from")
                .contains("model 'ghost' has no champion")
                .contains("unknown field 'zzzz")
                .contains("command is 70035 bytes; the limit is 65536");
        assertThat(reasons).allSatisfy(reason -> assertThat(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .hasSizeLessThanOrEqualTo(1024));
    }

    @Test
    void aScoreCommandRunsOnePrefixJobPerRunWhateverIsRedelivered() throws Exception {
        // given
        Path batch = Files.createDirectories(DATA.resolve("local/batches/cmd"));
        List<Path> images = SampleDataset.images().subList(0, 30);
        for (int i = 0; i < images.size(); i++) {
            Files.copy(images.get(i), batch.resolve("img-" + i + ".png"));
        }
        String command = "{\"job\":\"score\",\"input\":\"gs://local/batches/cmd/\",\"model\":\"fashion@champion\"";

        // when: the same run three times, and one command without an id
        for (int i = 0; i < 3; i++) {
            publish(commandsTopic, Map.of(), command + ",\"id\":\"cmd-1\"}");
        }
        publish(commandsTopic, Map.of(), command + "}");

        // then
        Path runs = DATA.resolve("local/predictions/jobs/score");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(runs.resolve("cmd-1/summary.json")));
        JsonNode summary = read(runs.resolve("cmd-1/summary.json"));
        assertThat(summary.path("predictions").asInt()).isEqualTo(30);
        assertThat(summary.path("executions").asInt()).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            try (var dirs = Files.list(runs)) {
                return dirs.filter(d -> d.getFileName().toString().startsWith("msg-"))
                        .anyMatch(d -> Files.exists(d.resolve("summary.json")));
            }
        });
        try (var dirs = Files.list(runs)) {
            assertThat(dirs.filter(d -> d.getFileName().toString().startsWith("msg-")))
                    .as("one run for the message without an id")
                    .hasSize(1);
        }
    }

    @Test
    void aRetrainCommandCarriesItsOverridesAndTrainsOnceWhateverIsRedelivered() throws Exception {
        // given: a model Orchard trained, and new labelled data for it
        Path dataset = DATA.resolve("local/commanded-training");
        TrainedChampions.championTrainedOn(training, registry, DATA.resolve("local"), dataset, "commanded", 30, 4);
        TrainedChampions.addImages(dataset, 30, 6);

        // when: the same retrain command, with a gate nobody passes, three times
        String command = "{\"job\":\"retrain\",\"model\":\"commanded\",\"min-accuracy\":1.0,"
                + "\"max-regression\":0,\"promote\":\"manual\",\"by\":\"nightly-ci\"}";
        for (int i = 0; i < 3; i++) {
            publish(commandsTopic, Map.of(), command);
        }

        // then: one run, judged by the command's thresholds, by whom the command says
        await().atMost(Duration.ofSeconds(90))
                .until(() -> registry.manifest("commanded", 2).isPresent());
        ModelManifest v2 = registry.manifest("commanded", 2).orElseThrow();
        assertThat(v2.gate().decision()).isEqualTo("rejected");
        assertThat(v2.gate().minAccuracy()).isEqualTo(1.0);
        assertThat(v2.gate().maxRegression()).isZero();
        assertThat(v2.provenance().by()).isEqualTo("nightly-ci");
        assertThat(v2.provenance().run()).startsWith("retrain-");
        Thread.sleep(2000); // redeliveries, if any, would train again by now
        assertThat(registry.versions("commanded")).hasSize(2);
        assertThat(registry.champion("commanded").map(Alias::version)).hasValue(1);
    }

    @Test
    void commandsPromoteAndRollBackTheChampion() throws Exception {
        // given: a second version of the sample model
        int second = training.trainAndRegister(
                        new ModelTraining.Request(
                                "fashion", "local", "training/", "tribuo-cart", Map.of("maxDepth", 6)),
                        "test")
                .version();

        // when / then
        publish(
                commandsTopic,
                Map.of(),
                "{\"job\":\"promote\",\"model\":\"fashion\",\"version\":" + second
                        + ",\"reason\":\"integration test\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> championVersion() == second);
        publish(
                commandsTopic,
                Map.of(),
                "{\"job\":\"rollback\",\"model\":\"fashion\",\"reason\":\"integration test\"}");
        await().atMost(Duration.ofSeconds(20)).until(() -> championVersion() == second - 1);
        String audit = new String(
                store.get("local", "models/fashion/audit.jsonl").orElseThrow().content(), UTF_8);
        assertThat(audit).contains("integration test");
    }

    private int championVersion() {
        return registry.champion("fashion").map(Alias::version).orElse(-1);
    }

    private void notifyFinalize(ObjectRef ref) {
        publish(
                uploadsTopic,
                Map.of(
                        "eventType",
                        "OBJECT_FINALIZE",
                        "bucketId",
                        ref.bucket(),
                        "objectId",
                        ref.name(),
                        "objectGeneration",
                        Long.toString(ref.generation()),
                        "payloadFormat",
                        "JSON_API_V1"),
                "{\"name\":\"" + ref.name() + "\"}");
    }

    private void publish(String topic, Map<String, String> attributes, String data) {
        pubSub.publish(
                        topic,
                        PubsubMessage.newBuilder()
                                .setData(ByteString.copyFromUtf8(data))
                                .putAllAttributes(attributes)
                                .build())
                .join();
    }

    private List<AcknowledgeablePubsubMessage> pullDeadLetters(Duration wait) throws InterruptedException {
        Thread.sleep(wait.toMillis());
        List<AcknowledgeablePubsubMessage> messages = pubSub.pull(deadLetters, 50, true);
        messages.forEach(AcknowledgeablePubsubMessage::ack);
        return messages;
    }

    private double counter(String outcome) {
        return meters.find("orchard.pubsub.messages").tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private JsonNode awaitResult(String object) {
        Path file = DATA.resolve("local/predictions/" + object + ".json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(file));
        return read(file);
    }

    private long resultGeneration(String object) {
        Path file = DATA.resolve("local/predictions/" + object + ".json");
        return Files.exists(file) ? read(file).path("generation").asLong() : -1;
    }

    private JsonNode read(Path file) {
        try {
            return json.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

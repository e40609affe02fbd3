package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.orchard.model.TestImages;
import dev.orchard.testing.TestBackends;
import dev.orchard.training.SampleDataset;
import dev.orchard.trigger.PubSubEmulator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hostile-input suite: a real worker started as Cloud Run runs it (a heap of 70 % of 4 GiB,
 * exiting on OutOfMemoryError) gets hostile requests, uploads, prefix jobs and job commands — the
 * heavy ones several at once — and must answer each with a client error or an error result, stay
 * alive, and stay under the 4 GiB its container would have. Then a short soak mixes good and
 * hostile traffic: every good upload and request gets its result. Where the Pub/Sub emulator is
 * available (as under {@code .ci/run}) the worker also takes notifications and commands from it,
 * and hostile messages must end on the dead-letter topic with a reason within Pub/Sub's limits.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileInputIntegrationTests {

    static final List<String> CLOUD_RUN_JVM = List.of("-Xmx2867m", "-XX:+ExitOnOutOfMemoryError");
    static final long CONTAINER_BYTES = 4L << 30;
    /** Status a request gets when the connection is closed on it (a body far over the limit). */
    static final int CLOSED = -1;
    /** Status a request gets when no answer comes within a minute. */
    static final int HUNG = -2;

    final Path dir =
            Path.of("target/worker-logs/hostile-" + System.currentTimeMillis()).toAbsolutePath();
    final Path root = dir.resolve("data");
    final Path uploads = root.resolve("local/uploads");
    final Path results = root.resolve("local/predictions/uploads");
    final JsonMapper json = JsonMapper.builder().build();
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /**
     * The well-behaved client of the soak, with connections of its own: a connection the worker
     * closes after refusing an attacker's oversized body must not be handed to a good request by a
     * shared pool (that would be the test's race, not the worker's answer).
     */
    final HttpClient goodClient =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    final byte[] good = read(SampleDataset.images("trouser", 1).get(0));

    WorkerProcess worker;
    PubSubEmulator pubSub;
    String notificationsTopic;
    String commandsTopic;
    String deadLetters;
    String base;
    Map<String, byte[]> hostileImages;

    @BeforeAll
    void startAWorkerSizedLikeCloudRun() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "orchard.storage.local.root",
                root.toString(),
                "orchard.registry.work-dir",
                dir.resolve("work").toString(),
                "orchard.trigger.local.scan-interval",
                "500ms",
                "orchard.trigger.local.settle",
                "100ms"));
        if (TestBackends.pubSubAvailable()) {
            pubSub = new PubSubEmulator();
            String deadLetterTopic = pubSub.topic("hostile-dead-letter");
            deadLetters = pubSub.subscription("hostile-dead-letter-reader", deadLetterTopic, null, 0);
            notificationsTopic = pubSub.topic("hostile-uploads");
            commandsTopic = pubSub.topic("hostile-commands");
            settings.putAll(Map.of(
                    "orchard.pubsub.enabled",
                    "true",
                    "orchard.pubsub.notification-subscription",
                    pubSub.subscription("hostile-uploads", notificationsTopic, deadLetterTopic, 5),
                    "orchard.pubsub.command-subscription",
                    pubSub.subscription("hostile-commands", commandsTopic, deadLetterTopic, 5),
                    "orchard.pubsub.dead-letter-topic",
                    deadLetterTopic,
                    "spring.cloud.gcp.pubsub.emulator-host",
                    pubSub.host(),
                    "spring.cloud.gcp.project-id",
                    PubSubEmulator.PROJECT));
        }
        worker = WorkerProcess.start("hostile", dir, CLOUD_RUN_JVM, settings);
        hostileImages = hostileImages();
        worker.awaitReady(Duration.ofSeconds(120));
        base = "http://127.0.0.1:" + worker.port();
    }

    @AfterAll
    void stop() throws Exception {
        if (worker != null) {
            worker.close();
        }
        if (pubSub != null) {
            pubSub.close();
        }
    }

    /** Images built to cost the most while staying just inside a limit, or just outside it. */
    static Map<String, byte[]> hostileImages() {
        byte[] png = TestImages.encoded("png", 64, 64, BufferedImage.TYPE_INT_RGB);
        return Map.of(
                // within the 50 M pixel limit, 400 MB a row to decode: more than the whole decode budget
                "thin-50m.png", TestImages.png16BitRgba(49_999_999, 1, 0),
                // 160 MB a row: fits the budget, so such decodes take turns
                "thin-20m.png", TestImages.png16BitRgba(20_000_000, 1, 0),
                "bomb-header.png", TestImages.pngHeaderClaiming(50_000, 50_000),
                "inflating.png", TestImages.png16BitRgba(64, 64, 64 << 20),
                "scans.jpg", TestImages.withExtraScans(TestImages.progressiveJpeg(64, 48), 5_000),
                "animated.png", TestImages.encoded("gif", 32, 32, BufferedImage.TYPE_INT_RGB),
                "bitmap.jpg", TestImages.encoded("bmp", 32, 32, BufferedImage.TYPE_INT_RGB),
                "scan.webp", TestImages.encoded("tiff", 32, 32, BufferedImage.TYPE_INT_RGB),
                "truncated.png", Arrays.copyOf(png, png.length / 2),
                "empty.png", new byte[0]);
    }

    record Case(String name, int concurrency, Set<Integer> expected, Callable<Integer> send) {}

    List<Case> httpCases() {
        String v2 = base + "/v2/models/fashion/infer";
        String predict = base + "/v1/models/fashion:predict";
        String classify = base + "/v1/models/fashion:classify";
        StringBuilder bigTensor = new StringBuilder(23_000_000)
                .append("{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1,28,28,1],\"data\":[");
        for (int i = 0; bigTensor.length() < 22_500_000; i++) {
            bigTensor.append(i == 0 ? "" : ",").append("0.1234567");
        }
        String bigBody = bigTensor.append("]}]}").toString();
        List<Case> cases = new ArrayList<>();
        for (Map.Entry<String, byte[]> image : hostileImages.entrySet()) {
            int concurrency =
                    image.getKey().startsWith("thin") || image.getKey().equals("inflating.png") ? 4 : 1;
            Set<Integer> expected =
                    switch (image.getKey()) {
                        case "thin-50m.png", "bomb-header.png" -> Set.of(413);
                        case "thin-20m.png" -> Set.of(200, 503);
                        case "inflating.png" -> Set.of(200);
                        case "truncated.png" -> Set.of(422);
                        default -> Set.of(415);
                    };
            cases.add(new Case(
                    "classify " + image.getKey(), concurrency, expected, () -> multipart(classify, image.getValue())));
            cases.add(new Case(
                    "classify body " + image.getKey(),
                    concurrency,
                    image.getValue().length == 0 ? Set.of(400) : expected, // no body at all: a bad request
                    () -> imageBody(classify, image.getValue())));
        }
        cases.addAll(List.of(
                new Case("classify 26 MB", 2, Set.of(413, CLOSED), () -> multipart(classify, new byte[26 << 20])),
                new Case("classify body 26 MB", 2, Set.of(413, CLOSED), () -> imageBody(classify, new byte[26 << 20])),
                new Case("classify 80 images", 1, Set.of(400, 413), () -> multipart(classify, repeat(good, 80))),
                new Case(
                        "classify multipart cut before its closing boundary",
                        4,
                        Set.of(400),
                        () -> rawMultipart(classify, "hostile-boundary", cut(multipartBody(good), 30))),
                new Case(
                        "classify multipart without a boundary parameter",
                        2,
                        Set.of(400),
                        () -> rawMultipart(classify, null, multipartBody(good))),
                new Case(
                        "classify 1,000,000 empty parts",
                        2,
                        Set.of(400),
                        () -> rawMultipart(
                                classify,
                                "b",
                                ("--b\r\n\r\n" + "\r\n--b\r\n\r\n".repeat(1_000_000) + "\r\n--b--")
                                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII))),
                new Case(
                        "classify 25 MB of boundary look-alikes",
                        2,
                        Set.of(400),
                        () -> rawMultipart(
                                classify,
                                "a".repeat(70),
                                ("--" + "a".repeat(70) + "\r\n\r\n" + ("\r\n--" + "a".repeat(69) + "b").repeat(340_000))
                                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII))),
                new Case(
                        "unknown models",
                        8,
                        Set.of(404),
                        () -> multipart(base + "/v1/models/ghost-" + System.nanoTime() + ":classify", good)),
                new Case(
                        "pinned version 999",
                        4,
                        Set.of(404),
                        () -> multipart(base + "/v1/models/fashion/versions/999:classify", good)),
                new Case(
                        "pinned version abc",
                        1,
                        Set.of(404),
                        () -> multipart(base + "/v1/models/fashion/versions/abc:classify", good)),
                new Case(
                        "predict b64 object",
                        1,
                        Set.of(400),
                        () -> post(predict, "{\"instances\":[{\"b64\":{\"x\":1}}]}")),
                new Case("predict 100,000 brackets", 1, Set.of(400), () -> post(predict, "[".repeat(100_000))),
                new Case(
                        "predict 1,000-digit number",
                        1,
                        Set.of(400),
                        () -> post(predict, "{\"instances\":[[[" + "9".repeat(1000) + "]]]}")),
                new Case(
                        "predict 65 instances",
                        1,
                        Set.of(400),
                        () -> post(
                                predict,
                                "{\"instances\":["
                                        + String.join(
                                                ",",
                                                java.util.Collections.nCopies(65, "{\"b64\":\"" + b64(good) + "\"}"))
                                        + "]}")),
                new Case(
                        "predict thin PNG",
                        4,
                        Set.of(413),
                        () -> post(
                                predict,
                                "{\"instances\":[{\"b64\":\"" + b64(hostileImages.get("thin-50m.png")) + "\"}]}")),
                new Case(
                        "infer shape beyond 64 bits",
                        1,
                        Set.of(400),
                        () -> post(
                                v2,
                                "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\","
                                        + "\"shape\":[18446744073709551616,28,28,1],\"data\":[0]}]}")),
                new Case("infer 22 MB of numbers", 4, Set.of(400, 503), () -> post(v2, bigBody)),
                new Case(
                        "infer GIF bytes",
                        1,
                        Set.of(400),
                        () -> post(
                                v2,
                                "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1],\"data\":[\""
                                        + b64(hostileImages.get("animated.png")) + "\"]}]}")),
                new Case(
                        "job with a huge partitions number",
                        1,
                        Set.of(400),
                        () -> postAdmin("{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"fashion\","
                                + "\"partitions\":99999999999999999999999}")),
                new Case(
                        "job with a 5,000-character id",
                        1,
                        Set.of(400),
                        () -> postAdmin("{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"fashion\",\"id\":\""
                                + "i".repeat(5000) + "\"}")),
                new Case(
                        "job with a traversing prefix",
                        1,
                        Set.of(400),
                        () -> postAdmin(
                                "{\"job\":\"score\",\"input\":\"gs://local/../../etc/\",\"model\":\"fashion\"}")),
                new Case(
                        "job without the token",
                        1,
                        Set.of(401),
                        () -> post(
                                base + "/jobs",
                                "{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"fashion\"}"))));
        return cases;
    }

    @Test
    @Order(1)
    void hostileRequestsGetClientErrorsAndTheWorkerLives() throws Exception {
        SoftAssertions softly = new SoftAssertions();
        List<Case> cases = httpCases();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Case c : cases) {
                List<Future<Integer>> sent = new ArrayList<>();
                for (int i = 0; i < c.concurrency(); i++) {
                    sent.add(pool.submit(c.send()));
                }
                for (Future<Integer> status : sent) {
                    softly.assertThat(status.get()).as(c.name()).isIn(c.expected());
                }
                assertThat(worker.isAlive())
                        .as("worker alive after " + c.name() + ":\n" + worker.tail())
                        .isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
        softly.assertAll();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(27);
        assertThat(multipart(base + "/v1/models/fashion:classify", good)).isEqualTo(200);
        assertThat(worker.peakResidentBytes()).isLessThan(CONTAINER_BYTES);
    }

    @Test
    @Order(2)
    void hostileUploadsAndPrefixObjectsGetErrorResults() throws Exception {
        // given: every hostile image as an upload, and under a prefix beside two good images
        Map<String, String> reasons = Map.of(
                "thin-50m.png", "TOO_MANY_PIXELS",
                "bomb-header.png", "TOO_MANY_PIXELS",
                "scans.jpg", "UNSUPPORTED",
                "animated.png", "UNSUPPORTED",
                "bitmap.jpg", "UNSUPPORTED",
                "scan.webp", "UNSUPPORTED",
                "truncated.png", "CORRUPT",
                "empty.png", "NOT_AN_IMAGE");
        Path prefix = Files.createDirectories(root.resolve("local/hostile"));
        for (String name : reasons.keySet()) {
            Files.write(uploads.resolve("h-" + name), hostileImages.get(name));
            Files.write(prefix.resolve(name), hostileImages.get(name));
        }
        Files.write(uploads.resolve("h-huge.jpg"), new byte[30 << 20]);
        Files.write(prefix.resolve("huge.jpg"), new byte[30 << 20]);
        Files.write(prefix.resolve("good-1.png"), good);
        Files.write(prefix.resolve("good-2.png"), good);

        // then: uploads
        for (Map.Entry<String, String> expected : reasons.entrySet()) {
            assertThat(awaitResult("h-" + expected.getKey() + ".error.json")
                            .path("reason")
                            .asString())
                    .as(expected.getKey())
                    .isEqualTo(expected.getValue());
        }
        assertThat(awaitResult("h-huge.jpg.error.json").path("reason").asString())
                .isEqualTo("TOO_LARGE");

        // and the prefix job: every hostile object an errors row, both good ones predicted
        assertThat(
                        postAdmin(
                                "{\"job\":\"score\",\"input\":\"gs://local/hostile/\",\"model\":\"fashion\",\"id\":\"hostile\"}"))
                .isEqualTo(202);
        JsonNode status = await().atMost(Duration.ofSeconds(120))
                .until(() -> json.readTree(worker.get("/jobs/hostile").body()), s -> "COMPLETED"
                        .equals(s.path("status").asString()));
        assertThat(status.path("errors").asLong()).isEqualTo(reasons.size() + 1);
        assertThat(status.path("predictions").asLong()).isEqualTo(2);
        assertThat(worker.isAlive()).isTrue();
        assertThat(worker.peakResidentBytes()).isLessThan(CONTAINER_BYTES);
    }

    @Test
    @Order(3)
    void aSoakOfGoodAndHostileTrafficLosesNoGoodResult() throws Exception {
        Duration soak = Duration.parse(System.getProperty("hostile.soak", "PT2M"));
        long end = System.nanoTime() + soak.toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        List<String> goodUploads = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Integer> goodAnswers = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> hostileNames = List.copyOf(hostileImages.keySet());
        try {
            List<Future<?>> load = new ArrayList<>();
            load.add(pool.submit(() -> {
                for (int i = 0; System.nanoTime() < end; i++) {
                    String name = "soak-" + i + ".png";
                    Files.write(uploads.resolve(name), good);
                    goodUploads.add(name);
                    if (i % 5 == 0) {
                        String hostile = hostileNames.get(i / 5 % hostileNames.size());
                        Files.write(uploads.resolve("soak-h-" + i + "-" + hostile), hostileImages.get(hostile));
                    }
                    Thread.sleep(150);
                }
                return null;
            }));
            for (int t = 0; t < 2; t++) {
                load.add(pool.submit(() -> {
                    while (System.nanoTime() < end) {
                        goodAnswers.add(classifyRetrying(good));
                    }
                    return null;
                }));
            }
            for (int t = 0; t < 2; t++) {
                int offset = t;
                load.add(pool.submit(() -> {
                    for (int i = offset; System.nanoTime() < end; i += 2) {
                        int status = multipart(
                                base + "/v1/models/fashion:classify",
                                hostileImages.get(hostileNames.get(i % hostileNames.size())));
                        assertThat(status).isNotEqualTo(500).isNotEqualTo(CLOSED);
                    }
                    return null;
                }));
            }
            for (Future<?> f : load) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }

        // then: every good request answered, every good upload scored, the worker alive and bounded
        assertThat(goodAnswers).isNotEmpty().containsOnly(200);
        System.out.printf(
                "soak of %s: %d good requests answered, %d good uploads, peak RSS %d MB%n",
                soak, goodAnswers.size(), goodUploads.size(), worker.peakResidentBytes() >> 20);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(goodUploads)
                .allSatisfy(name -> assertThat(results.resolve(name + ".json")).exists()));
        assertThat(goodUploads).noneSatisfy(name -> assertThat(results.resolve(name + ".error.json"))
                .exists());
        assertThat(worker.isAlive()).isTrue();
        assertThat(worker.peakResidentBytes()).isLessThan(CONTAINER_BYTES);
    }

    /**
     * First, while the worker's streaming pulls are fresh: the emulator stops answering a stream's
     * pings after a while, and messages published while the client reopens it may stay undelivered.
     */
    @Test
    @Order(0)
    @EnabledIf("dev.orchard.testing.TestBackends#pubSubAvailable")
    void hostileMessagesAreDeadLetteredWithAReasonAndTheWorkerLives() throws Exception {
        // given: messages that can never succeed, one with as many attributes as Pub/Sub allows, full
        PubsubMessage.Builder crowded = PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8("{\"job\":1}"));
        for (int i = 0; i < 100; i++) {
            crowded.putAttributes("a" + i, "v".repeat(1024));
        }
        List<PubsubMessage> commands = List.of(
                message("{\"job\":\"retrain\",\"model\":\"fashion\"}" + " ".repeat(70_000)),
                message("{\"job\":\"retrain\",\"model\":\"fashion\",\"" + "z".repeat(5000) + "\":1}"),
                message("{\"job\":\"score\",\"input\":\"gs://local/x/\",\"model\":\"fashion\","
                        + "\"partitions\":99999999999999999999999}"),
                message("{\"job\":\"rollback\",\"model\":\"fashion\",\"by\":{\"a\":[1,2,3]}}"),
                message("[".repeat(10_000)),
                crowded.build());
        List<PubsubMessage> notifications = List.of(
                notification("x".repeat(300), "uploads/a.png", "1"),
                notification("local", "uploads/a.png", "banana"),
                notification("local", "../../etc/passwd", "1"));

        // when
        commands.forEach(m -> pubSub.publish(commandsTopic, m));
        notifications.forEach(m -> pubSub.publish(notificationsTopic, m));

        // then: each on the dead-letter topic with its reason, cut to Pub/Sub's limits
        List<String> reasons = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            pubSub.pull(deadLetters, 50).forEach(m -> reasons.add(m.getAttributesOrDefault("orchard-error", "<none>")));
            assertThat(reasons).hasSize(commands.size() + notifications.size());
        });
        assertThat(reasons)
                .allSatisfy(reason -> assertThat(reason.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        .hasSizeLessThanOrEqualTo(1024))
                .doesNotContain("<none>");
        assertThat(String.join("\n", reasons))
                .contains("the limit is 65536")
                .contains("unknown field 'zzz")
                .contains("partitions must be a whole number")
                .contains("'by' must be a non-empty string")
                .contains("not valid JSON")
                .contains("bucketId is not a bucket name")
                .contains("objectGeneration is not a number")
                .contains("objectId");
        assertThat(worker.isAlive()).isTrue();
        assertThat(worker.peakResidentBytes()).isLessThan(CONTAINER_BYTES);
    }

    static PubsubMessage message(String data) {
        return PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(data)).build();
    }

    static PubsubMessage notification(String bucket, String object, String generation) {
        return PubSubEmulator.notification(bucket, object, generation);
    }

    /** A good request as a well-behaved client sends it: on 503 it waits as told and tries again. */
    int classifyRetrying(byte[] image) throws Exception {
        int status = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            status = multipart(goodClient, base + "/v1/models/fashion:classify", image);
            if (status != 503) {
                return status;
            }
            Thread.sleep(1000);
        }
        return status;
    }

    JsonNode awaitResult(String name) {
        Path file = results.resolve(name);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(file));
        return json.readTree(file.toFile());
    }

    int multipart(String url, byte[]... images) throws IOException, InterruptedException {
        return multipart(http, url, images);
    }

    int multipart(HttpClient client, String url, byte[]... images) throws IOException, InterruptedException {
        return send(
                client,
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "multipart/form-data; boundary=hostile-boundary")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(multipartBody(images))));
    }

    /** The multipart body {@link #multipart} sends for {@code images}. */
    static byte[] multipartBody(byte[]... images) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (byte[] image : images) {
            body.writeBytes(("--hostile-boundary\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\""
                            + "\r\nContent-Type: application/octet-stream\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            body.writeBytes(image);
            body.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        body.writeBytes("--hostile-boundary--\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    static byte[] cut(byte[] bytes, int tail) {
        return java.util.Arrays.copyOf(bytes, bytes.length - tail);
    }

    /** {@code body} as a multipart POST with {@code boundary} (null: none) in its Content-Type. */
    int rawMultipart(String url, String boundary, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "multipart/form-data" + (boundary == null ? "" : "; boundary=" + boundary))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** The image as the whole body of a {@code :classify}. */
    int imageBody(String url, byte[] image) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "image/png")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)));
    }

    int post(String url, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    int postAdmin(String body) throws IOException, InterruptedException {
        String token = Files.readString(root.resolve(".orchard-admin-token")).strip();
        return send(HttpRequest.newBuilder(URI.create(base + "/jobs"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /**
     * The status; {@link #HUNG} if no answer came within a minute, {@link #CLOSED} if the worker
     * closed the connection instead of answering.
     */
    int send(HttpRequest.Builder request) throws InterruptedException {
        return send(http, request);
    }

    int send(HttpClient client, HttpRequest.Builder request) throws InterruptedException {
        try {
            HttpResponse<String> response =
                    client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 500 && response.statusCode() != 503) {
                throw new AssertionError(response.statusCode() + " " + response.body());
            }
            return response.statusCode();
        } catch (java.net.http.HttpTimeoutException e) {
            return HUNG;
        } catch (IOException e) {
            System.err.println("connection closed without an answer: " + e);
            return CLOSED;
        }
    }

    static byte[][] repeat(byte[] image, int times) {
        byte[][] images = new byte[times][];
        Arrays.fill(images, image);
        return images;
    }

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

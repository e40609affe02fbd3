package dev.orchard.bench;

import com.google.cloud.spring.pubsub.core.PubSubTemplate;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import dev.orchard.OrchardApplication;
import dev.orchard.model.Classifier;
import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.LoadedModel;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.training.SampleDataset;
import dev.orchard.trigger.PubSubEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * End-to-end throughput of the Pub/Sub upload path on this machine, against the model's own rate
 * measured in the same run. Not a test: it prints figures.
 *
 * <pre>
 * source .ci/services.sh &amp;&amp; start_pubsub_emulator
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PubSubThroughputBenchmark -Dbenchmark.uploads=2000
 * </pre>
 */
public final class PubSubThroughputBenchmark {

    public static void main(String[] args) throws Exception {
        int uploads = Integer.getInteger("benchmark.uploads", 2000);
        Path data = Files.createTempDirectory("orchard-bench-");
        try (PubSubEmulator emulator = new PubSubEmulator()) {
            String deadLetter = emulator.topic("bench-dead-letter");
            String topic = emulator.topic("bench-uploads");
            String subscription = emulator.subscription("bench-uploads", topic, deadLetter, 10);
            ConfigurableApplicationContext app = new SpringApplicationBuilder(OrchardApplication.class)
                    .run(
                            "--server.port=0",
                            "--logging.level.dev.orchard.scoring=WARN",
                            "--logging.level.org.springframework.batch=WARN",
                            "--orchard.storage.local.root=" + data,
                            "--orchard.registry.work-dir=" + data.resolve("work"),
                            "--orchard.trigger.local.enabled=false",
                            "--orchard.pubsub.enabled=true",
                            "--orchard.pubsub.notification-subscription=" + subscription,
                            "--orchard.pubsub.command-subscription=",
                            "--orchard.pubsub.dead-letter-topic=" + deadLetter,
                            "--spring.cloud.gcp.pubsub.emulator-host=" + emulator.host(),
                            "--spring.cloud.gcp.project-id=" + PubSubEmulator.PROJECT);
            try (app) {
                run(app, topic, uploads, data);
            }
        }
    }

    private static void run(ConfigurableApplicationContext app, String topic, int n, Path data) throws Exception {
        BlobStore store = app.getBean(BlobStore.class);
        ImageDecoder decoder = app.getBean(ImageDecoder.class);
        List<Path> images = SampleDataset.images().subList(0, n);
        List<byte[]> bytes = new ArrayList<>();
        for (Path image : images) {
            bytes.add(Files.readAllBytes(image));
        }

        // Baseline, same run, same images: decode + batched inference in a tight loop (batches of 64).
        double rawRate;
        double inferOnlyRate;
        try (LoadedModel.Lease model = app.getBean(ChampionModels.class).lease("fashion")) {
            Classifier classifier = model.classifier();
            baseline(bytes, decoder, classifier); // warm-up
            long start = System.nanoTime();
            float[][] decoded = baseline(bytes, decoder, classifier);
            rawRate = n / seconds(start);
            start = System.nanoTime();
            for (int i = 0; i < n; i += 64) {
                classifier.predict(Arrays.copyOfRange(decoded, i, Math.min(n, i + 64)));
            }
            inferOnlyRate = n / seconds(start);
        }

        List<ObjectRef> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            refs.add(store.put("local", "uploads/bench-" + i + ".png", bytes.get(i), WritePrecondition.none()));
        }
        PubSubTemplate pubSub = app.getBean(PubSubTemplate.class);
        Instant[] published = new Instant[n];
        List<CompletableFuture<String>> sends = new ArrayList<>();
        Instant first = Instant.now();
        for (int i = 0; i < n; i++) {
            ObjectRef ref = refs.get(i);
            published[i] = Instant.now();
            sends.add(pubSub.publish(
                    topic,
                    PubsubMessage.newBuilder()
                            .setData(ByteString.copyFromUtf8("{}"))
                            .putAttributes("eventType", "OBJECT_FINALIZE")
                            .putAttributes("bucketId", ref.bucket())
                            .putAttributes("objectId", ref.name())
                            .putAttributes("objectGeneration", Long.toString(ref.generation()))
                            .putAttributes("payloadFormat", "JSON_API_V1")
                            .build()));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();

        JsonMapper json = JsonMapper.builder().build();
        Path results = data.resolve("local/predictions/uploads");
        long[] latencies = new long[n];
        Instant last = first;
        for (int i = 0; i < n; i++) {
            Path result = results.resolve("bench-" + i + ".png.json");
            long deadline = System.nanoTime() + 300_000_000_000L;
            while (!Files.exists(result)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no result for bench-" + i + " after 5 minutes");
                }
                Thread.sleep(5);
            }
            Instant scored = Instant.parse(
                    json.readTree(Files.readAllBytes(result)).path("scoredAt").asString());
            latencies[i] = java.time.Duration.between(published[i], scored).toMillis();
            last = scored.isAfter(last) ? scored : last;
        }
        double endToEnd = n / (java.time.Duration.between(first, last).toNanos() / 1e9);
        Arrays.sort(latencies);
        System.out.printf(
                Locale.ROOT,
                "%n=== Pub/Sub upload path, %d notifications of 28x28 PNGs, %s ===%n",
                n,
                "fashion v1 (tribuo-cart)");
        System.out.printf(Locale.ROOT, "end-to-end results/s            %10.1f%n", endToEnd);
        System.out.printf(Locale.ROOT, "notification->result p50 (ms)   %10d%n", latencies[n / 2]);
        System.out.printf(
                Locale.ROOT, "notification->result p99 (ms)   %10d%n", latencies[(int) Math.floor(n * 0.99) - 1]);
        System.out.printf(Locale.ROOT, "raw decode+infer images/s       %10.1f%n", rawRate);
        System.out.printf(Locale.ROOT, "raw infer-only images/s         %10.1f%n", inferOnlyRate);
        System.out.printf(Locale.ROOT, "ratio end-to-end / raw          %10.3f%n", endToEnd / rawRate);
        System.out.printf(Locale.ROOT, "ratio end-to-end / infer-only   %10.3f%n", endToEnd / inferOnlyRate);
        System.out.printf(
                Locale.ROOT,
                "peak RSS of this JVM (the worker runs in it) %6d MB%n%n",
                PeakRss.ofThisProcessKb() / 1024);
    }

    private static float[][] baseline(List<byte[]> bytes, ImageDecoder decoder, Classifier classifier) {
        float[][] decoded = new float[bytes.size()][];
        for (int i = 0; i < bytes.size(); i++) {
            decoded[i] = decoder.decode(bytes.get(i), classifier.input());
        }
        for (int i = 0; i < decoded.length; i += 64) {
            classifier.predict(Arrays.copyOfRange(decoded, i, Math.min(decoded.length, i + 64)));
        }
        return decoded;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}

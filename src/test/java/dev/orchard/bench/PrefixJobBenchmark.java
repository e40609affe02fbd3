package dev.orchard.bench;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.model.ModelInput;
import dev.orchard.model.TensorFlowClassifier;
import dev.orchard.model.TestSavedModels;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.StoredObject;
import dev.orchard.system.WorkerProcess;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.imageio.ImageIO;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A prefix job against the model's raw rate on the same images, same run: N JPEG photos (256×256)
 * scored by a CNN taking 64×64×3 and one taking 224×224×3. The raw rate is read + decode + batched
 * inference in a tight loop in this JVM (one thread, and two threads each on half the images); the
 * job runs in a separate worker process (2 partition threads, 128-image chunks, 32-image inference
 * calls like the raw loop) whose peak RSS is read from
 * {@code /proc/<pid>/status}. Not a test: it prints.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PrefixJobBenchmark
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PrefixJobBenchmark \
 *     -Dbenchmark.images64=20000 -Dbenchmark.images224=2000
 * </pre>
 */
public final class PrefixJobBenchmark {

    static final int CHUNK = Integer.getInteger("benchmark.chunk", 128);
    static final int BATCH = 32;
    static final JsonMapper JSON = JsonMapper.builder().build();

    record Figures(int size, int images, double raw1, double raw2, double cold, double warm, long peakRssKb) {}

    public static void main(String[] args) throws Exception {
        Path base = Files.createTempDirectory("orchard-prefix-bench-");
        List<Figures> figures = new ArrayList<>();
        List<String> sizes =
                List.of(System.getProperty("benchmark.sizes", "64,224").split(","));
        if (sizes.contains("64")) {
            figures.add(run(base.resolve("m64"), 64, Integer.getInteger("benchmark.images64", 10_000)));
        }
        if (sizes.contains("224")) {
            figures.add(run(base.resolve("m224"), 224, Integer.getInteger("benchmark.images224", 1_000)));
        }
        System.out.printf(Locale.ROOT, "%n=== prefix job vs raw read+decode+infer, CNN models, 256x256 JPEGs ===%n");
        System.out.printf(
                Locale.ROOT,
                "%-8s %7s %12s %12s %12s %12s %8s %12s%n",
                "model",
                "images",
                "raw 1 thr/s",
                "raw 2 thr/s",
                "cold job/s",
                "warm job/s",
                "ratio",
                "peak RSS MB");
        for (Figures f : figures) {
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %7d %12.1f %12.1f %12.1f %12.1f %8.2f %12.0f%n",
                    f.size() + "x" + f.size(),
                    f.images(),
                    f.raw1(),
                    f.raw2(),
                    f.cold(),
                    f.warm(),
                    f.warm() / Math.max(f.raw1(), f.raw2()),
                    f.peakRssKb() / 1024.0);
        }
        System.out.println("cold = the first job of a fresh worker (JIT, model load and TF warm-up included);"
                + " warm = the same job again on that worker, as a long-running worker sees it");
        System.out.println("ratio = warm job images/s / the better raw rate; job time includes listing and planning");
    }

    private static Figures run(Path dir, int size, int count) throws Exception {
        Path root = dir.resolve("data");
        Path images = Files.createDirectories(root.resolve("local/batches/bench"));
        Random random = new Random(size);
        for (int i = 0; i < count; i++) {
            Files.write(images.resolve(String.format(Locale.ROOT, "photo-%05d.jpg", i)), photo(random));
        }
        ModelInput input = new ModelInput(size, size, 3, ModelInput.Scaling.UNIT);
        Path export = dir.resolve("export");
        TestSavedModels.cnn(export, input, 10, 42);
        List<String> labels = BenchModels.LABELS;
        LocalBlobStore store = new LocalBlobStore(root, Clock.systemUTC());
        ModelRegistry registry = new ModelRegistry(store, "local", JSON, Clock.systemUTC(), "benchmark");
        BenchModels.registerChampion(registry, "bench", export, input);

        List<StoredObject> listed = store.list("local", "batches/bench/");
        ImageDecoder decoder = new ImageDecoder(new ImageLimits(DataSize.ofMegabytes(20), 50_000_000));
        double raw1;
        double raw2;
        try (TensorFlowClassifier classifier = TensorFlowClassifier.load(export, input, labels, false)) {
            raw(store, decoder, classifier, input, listed.subList(0, Math.min(listed.size(), 4 * BATCH))); // warm-up
            raw1 = raw(store, decoder, classifier, input, listed);
            ExecutorService two = Executors.newFixedThreadPool(2);
            long t0 = System.nanoTime();
            int half = listed.size() / 2;
            Future<?> a = two.submit(() -> raw(store, decoder, classifier, input, listed.subList(0, half)));
            Future<?> b = two.submit(() -> raw(store, decoder, classifier, input, listed.subList(half, listed.size())));
            a.get();
            b.get();
            raw2 = listed.size() / ((System.nanoTime() - t0) / 1e9);
            two.shutdown();
        }

        Path noSpecs = Files.createDirectories(dir.resolve("jobs"));
        Map<String, String> settings = Map.of(
                "orchard.storage.local.root",
                root.toString(),
                "orchard.registry.work-dir",
                dir.resolve("work").toString(),
                "orchard.bootstrap.enabled",
                "false",
                "orchard.jobs.location",
                noSpecs.toString(),
                "orchard.trigger.local.enabled",
                "false",
                "orchard.prefix-jobs.chunk-size",
                Integer.toString(CHUNK),
                "orchard.prefix-jobs.inference-batch-size",
                Integer.toString(BATCH),
                "orchard.prefix-jobs.threads",
                System.getProperty("benchmark.threads", "2"),
                "logging.level.root",
                "WARN");
        try (WorkerProcess worker = WorkerProcess.start("worker-" + size, dir, settings)) {
            worker.awaitReady(Duration.ofSeconds(120));
            String token =
                    Files.readString(root.resolve(".orchard-admin-token")).strip();
            double cold = job(worker, root, token, "cold", count);
            double warm = job(worker, root, token, "warm", count);
            return new Figures(size, count, raw1, raw2, cold, warm, peakRssKb(worker.pid()));
        }
    }

    /** Runs the prefix job {@code id} over the benchmark images and returns its images/s. */
    private static double job(WorkerProcess worker, Path root, String token, String id, int count) throws Exception {
        HttpResponse<String> submitted = worker.postJson(
                "/jobs",
                token,
                "{\"job\":\"score\",\"input\":\"gs://local/batches/bench/\",\"model\":\"bench\",\"id\":\"" + id
                        + "\"}");
        if (submitted.statusCode() != 202) {
            throw new IllegalStateException("job not accepted: " + submitted.body());
        }
        Path summary = root.resolve("local/predictions/jobs/score/" + id + "/summary.json");
        while (!Files.exists(summary)) {
            Thread.sleep(50);
        }
        JsonNode s = JSON.readTree(Files.readString(summary));
        if (s.path("predictions").asInt() != count) {
            throw new IllegalStateException("job scored " + s.path("predictions") + " of " + count);
        }
        return s.path("imagesPerSecond").asDouble();
    }

    /** Read + decode + batched inference over {@code objects} in chunks, on the calling thread; images/s. */
    private static double raw(
            LocalBlobStore store,
            ImageDecoder decoder,
            TensorFlowClassifier classifier,
            ModelInput input,
            List<StoredObject> objects) {
        long t0 = System.nanoTime();
        for (int from = 0; from < objects.size(); from += BATCH) {
            List<StoredObject> chunk = objects.subList(from, Math.min(objects.size(), from + BATCH));
            float[][] batch = new float[chunk.size()][];
            for (int i = 0; i < batch.length; i++) {
                batch[i] = decoder.decode(
                        store.get("local", chunk.get(i).ref().name())
                                .orElseThrow()
                                .content(),
                        input);
            }
            classifier.classify(batch, 3);
        }
        return objects.size() / ((System.nanoTime() - t0) / 1e9);
    }

    private static long peakRssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    /** A 256×256 JPEG with a gradient and a few shapes, different for every call. */
    private static byte[] photo(Random random) throws Exception {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setPaint(new GradientPaint(
                0, 0, new Color(random.nextInt(0xFFFFFF)), 256, 256, new Color(random.nextInt(0xFFFFFF))));
        g.fillRect(0, 0, 256, 256);
        for (int i = 0; i < 6; i++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillOval(random.nextInt(200), random.nextInt(200), 20 + random.nextInt(80), 20 + random.nextInt(80));
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }
}

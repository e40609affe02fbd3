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
 * inference in a tight loop in this JVM (one thread once, then two threads each on half the
 * images); the job runs in a separate worker process (2 partition threads, 128-image chunks,
 * 32-image inference calls like the raw loop) whose peak RSS is read from {@code
 * /proc/<pid>/status}. After the worker's first (cold) job, rounds alternate the raw 2-thread loop
 * and the job, so both JVMs warm up alike; the last round is the figure, every round is printed.
 * Not a test: it prints.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PrefixJobBenchmark
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PrefixJobBenchmark \
 *     -Dbenchmark.images64=20000 -Dbenchmark.images224=2000 -Dbenchmark.rounds=12
 * </pre>
 */
public final class PrefixJobBenchmark {

    static final int CHUNK = Integer.getInteger("benchmark.chunk", 128);
    static final int BATCH = 32;
    static final int ROUNDS = Integer.getInteger("benchmark.rounds", 8);
    static final JsonMapper JSON = JsonMapper.builder().build();

    /** One measurement: images/s and the process CPU time it took per image. */
    record Rate(double imagesPerSecond, double cpuMsPerImage) {}

    /** A round: the raw 2-thread loop, then the same images as a job on the worker. */
    record Round(Rate raw, Rate job) {

        double ratio() {
            return job.imagesPerSecond() / raw.imagesPerSecond();
        }
    }

    record Figures(int size, int images, double raw1, double cold, List<Round> rounds, long peakRssKb) {

        Round last() {
            return rounds.get(rounds.size() - 1);
        }
    }

    public static void main(String[] args) throws Exception {
        Path base = Files.createTempDirectory("orchard-prefix-bench-");
        List<Figures> figures = new ArrayList<>();
        List<String> sizes =
                List.of(System.getProperty("benchmark.sizes", "64,224").split(","));
        if (sizes.contains("64")) {
            figures.add(run(base.resolve("m64"), 64, Integer.getInteger("benchmark.images64", 10_000)));
        }
        if (sizes.contains("224")) {
            figures.add(run(base.resolve("m224"), 224, Integer.getInteger("benchmark.images224", 3_000)));
        }
        System.out.printf(Locale.ROOT, "%n=== prefix job vs raw read+decode+infer, CNN models, 256x256 JPEGs ===%n");
        System.out.printf(
                Locale.ROOT,
                "%-8s %7s %11s %10s %11s %10s %8s %13s %13s %8s%n",
                "model",
                "images",
                "raw 1 thr/s",
                "cold job/s",
                "raw 2 thr/s",
                "job/s",
                "ratio",
                "raw CPU ms/i",
                "job CPU ms/i",
                "RSS MB");
        for (Figures f : figures) {
            Round last = f.last();
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %7d %11.1f %10.1f %11.1f %10.1f %8.2f %13.2f %13.2f %8.0f%n",
                    f.size() + "x" + f.size(),
                    f.images(),
                    f.raw1(),
                    f.cold(),
                    last.raw().imagesPerSecond(),
                    last.job().imagesPerSecond(),
                    last.ratio(),
                    last.raw().cpuMsPerImage(),
                    last.job().cpuMsPerImage(),
                    f.peakRssKb() / 1024.0);
            System.out.printf(
                    Locale.ROOT,
                    "%-8s ratio by round: %s%n",
                    "",
                    String.join(
                            " ",
                            f.rounds().stream()
                                    .map(r -> String.format(Locale.ROOT, "%.2f", r.ratio()))
                                    .toList()));
        }
        System.out.println("cold = the first job of a fresh worker (JIT, model load and TF warm-up included)");
        System.out.println("then " + ROUNDS + " rounds of: raw loop with 2 threads in this JVM, the same job again on"
                + " the worker; the columns after 'cold' are the last round, when both JVMs are warm");
        System.out.println("ratio = job images/s / raw 2-thread images/s of the same round; job time includes"
                + " listing and planning");
        System.out.println("CPU ms/i = process CPU time (all threads, TensorFlow's and the JIT compiler's included)"
                + " per image: the same CPU at a lower rate means idle cores, more CPU means extra work");
        System.out.println("RSS MB = the worker's peak resident set (VmHWM)");
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
        ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(20), 50_000_000));
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
        ExecutorService two = Executors.newFixedThreadPool(2);
        try (TensorFlowClassifier classifier = TensorFlowClassifier.load(export, input, labels, false)) {
            raw(store, decoder, classifier, input, listed.subList(0, Math.min(listed.size(), 4 * BATCH))); // warm-up
            double raw1 = raw(store, decoder, classifier, input, listed);
            try (WorkerProcess worker = WorkerProcess.start("worker-" + size, dir, settings)) {
                worker.awaitReady(Duration.ofSeconds(120));
                String token =
                        Files.readString(root.resolve(".orchard-admin-token")).strip();
                double cold = job(worker, root, token, "cold", count).imagesPerSecond();
                List<Round> rounds = new ArrayList<>();
                for (int i = 1; i <= ROUNDS; i++) {
                    Round round = new Round(
                            rawTwoThreads(two, store, decoder, classifier, input, listed),
                            job(worker, root, token, "round-" + i, count));
                    rounds.add(round);
                    System.out.printf(
                            Locale.ROOT,
                            "%dx%d round %d: raw %.1f images/s (%.2f CPU ms/image), job %.1f images/s (%.2f CPU"
                                    + " ms/image), ratio %.2f%n",
                            size,
                            size,
                            i,
                            round.raw().imagesPerSecond(),
                            round.raw().cpuMsPerImage(),
                            round.job().imagesPerSecond(),
                            round.job().cpuMsPerImage(),
                            round.ratio());
                }
                return new Figures(size, count, raw1, cold, rounds, PeakRss.ofKb(worker.pid()));
            }
        } finally {
            two.shutdown();
        }
    }

    /** The raw loop on two threads, each on half of {@code listed}. */
    private static Rate rawTwoThreads(
            ExecutorService two,
            LocalBlobStore store,
            ImageDecoder decoder,
            TensorFlowClassifier classifier,
            ModelInput input,
            List<StoredObject> listed)
            throws Exception {
        long self = ProcessHandle.current().pid();
        long cpu0 = cpuMillis(self);
        long t0 = System.nanoTime();
        int half = listed.size() / 2;
        Future<?> a = two.submit(() -> raw(store, decoder, classifier, input, listed.subList(0, half)));
        Future<?> b = two.submit(() -> raw(store, decoder, classifier, input, listed.subList(half, listed.size())));
        a.get();
        b.get();
        return new Rate(
                listed.size() / ((System.nanoTime() - t0) / 1e9), (cpuMillis(self) - cpu0) / (double) listed.size());
    }

    /** Runs the prefix job {@code id} over the benchmark images: its images/s and worker CPU per image. */
    private static Rate job(WorkerProcess worker, Path root, String token, String id, int count) throws Exception {
        long cpu0 = cpuMillis(worker.pid());
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
        double cpuMsPerImage = (cpuMillis(worker.pid()) - cpu0) / (double) count;
        return new Rate(s.path("imagesPerSecond").asDouble(), cpuMsPerImage);
    }

    /**
     * User + system time of process {@code pid} from {@code /proc/<pid>/stat} (clock ticks of 10 ms),
     * read the same way for the benchmark's own JVM and the worker's.
     */
    private static long cpuMillis(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime
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

    /** A 256×256 JPEG with a gradient and a few shapes, different for every call. */
    static byte[] photo(Random random) throws Exception {
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

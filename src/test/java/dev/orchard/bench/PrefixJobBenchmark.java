package dev.orchard.bench;

import dev.orchard.model.ModelInput;
import dev.orchard.model.TestSavedModels;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.system.WorkerProcess;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A prefix job against the model's raw rate on the same images, same run: N JPEG photos (256×256)
 * scored by a CNN taking 64×64×3 and one taking 224×224×3. The raw rate is read + decode + batched
 * inference in a tight loop ({@link RawLoop}: one thread once, then two threads each on half the
 * images, first warmed until two passes agree within 3%) in a JVM of its own started with the
 * worker's {@code java} binary; the job runs in a separate worker process (2 partition threads,
 * 128-image chunks, 32-image inference calls like the raw loop) whose peak RSS is read from {@code
 * /proc/<pid>/status}. The cold figure is the median first job of several fresh workers started one
 * after another ({@code -Dbenchmark.cold-starts}, 3); after its first job, the last of them runs
 * rounds alternating the raw 2-thread loop and the job, so both JVMs warm up alike; the last round
 * is the figure, every round is printed.
 * Not a test: it prints.
 *
 * <p>By default the worker runs from the class path on this JVM's {@code java}. With {@code
 * -Dbenchmark.jar} (the packaged worker, extracted as for the image) it runs with {@code -jar}, on
 * {@code -Dbenchmark.java} when given, and with an AOT cache trained first by {@link
 * dev.orchard.AotTrainingRun} as the image build does ({@code -Dbenchmark.aot=false}: without):
 * the deployed image's shape.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PrefixJobBenchmark
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PrefixJobBenchmark \
 *     -Dbenchmark.images64=20000 -Dbenchmark.images224=2000 -Dbenchmark.rounds=12
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PrefixJobBenchmark \
 *     -Dbenchmark.jar=/tmp/orchard-app/orchard-0.1.0-SNAPSHOT.jar \
 *     -Dbenchmark.java=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * </pre>
 */
public final class PrefixJobBenchmark {

    static final int CHUNK = Integer.getInteger("benchmark.chunk", 128);
    static final int BATCH = 32;
    static final int ROUNDS = Integer.getInteger("benchmark.rounds", 8);
    static final int RAW_WARM_PASSES = Integer.getInteger("benchmark.raw-warm-passes", 8);
    static final int COLD_STARTS = Math.max(1, Integer.getInteger("benchmark.cold-starts", 3));
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String JAVA = System.getProperty("benchmark.java", WorkerProcess.currentJava());
    static final String JAR = System.getProperty("benchmark.jar", "");
    static final boolean AOT = !JAR.isBlank() && !"false".equals(System.getProperty("benchmark.aot"));

    /** One measurement: images/s and the process CPU time it took per image. */
    record Rate(double imagesPerSecond, double cpuMsPerImage) {}

    /** A round: the raw 2-thread loop, then the same images as a job on the worker. */
    record Round(Rate raw, Rate job) {

        double ratio() {
            return job.imagesPerSecond() / raw.imagesPerSecond();
        }
    }

    /** @param colds the first job's images/s of each fresh worker, in start order */
    record Figures(int size, int images, double raw1, List<Double> colds, List<Round> rounds, long peakRssKb) {

        /** The median of the fresh workers' first jobs. */
        double cold() {
            List<Double> sorted = colds.stream().sorted().toList();
            int n = sorted.size();
            return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        }

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
                "%-8s %7s %11s %10s %11s %10s %8s %9s %13s %13s %8s%n",
                "model",
                "images",
                "raw 1 thr/s",
                "cold job/s",
                "raw 2 thr/s",
                "job/s",
                "ratio",
                "cold/raw",
                "raw CPU ms/i",
                "job CPU ms/i",
                "RSS MB");
        for (Figures f : figures) {
            Round last = f.last();
            System.out.printf(
                    Locale.ROOT,
                    "%-8s %7d %11.1f %10.1f %11.1f %10.1f %8.2f %9.2f %13.2f %13.2f %8.0f%n",
                    f.size() + "x" + f.size(),
                    f.images(),
                    f.raw1(),
                    f.cold(),
                    last.raw().imagesPerSecond(),
                    last.job().imagesPerSecond(),
                    last.ratio(),
                    f.cold() / last.raw().imagesPerSecond(),
                    last.raw().cpuMsPerImage(),
                    last.job().cpuMsPerImage(),
                    f.peakRssKb() / 1024.0);
            System.out.printf(
                    Locale.ROOT,
                    "%-8s cold job of each fresh worker: %s images/s, cold/raw %s%n",
                    "",
                    String.join(
                            " ",
                            f.colds().stream()
                                    .map(c -> String.format(Locale.ROOT, "%.1f", c))
                                    .toList()),
                    String.join(
                            " ",
                            f.colds().stream()
                                    .map(c -> String.format(
                                            Locale.ROOT, "%.2f", c / last.raw().imagesPerSecond()))
                                    .toList()));
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
        System.out.println("worker: " + JAVA + (JAR.isBlank() ? " -cp <class path>" : " -jar " + JAR)
                + (AOT ? " with an AOT cache from AotTrainingRun (the image's shape)" : "")
                + "; raw loop: a JVM of its own on the same java");
        System.out.println("cold = the first job of a fresh worker (JIT, model load and TF warm-up included): the"
                + " median of " + COLD_STARTS + " fresh workers started one after another"
                + " (-Dbenchmark.cold-starts), the last of which then runs the rounds");
        System.out.println("then " + ROUNDS + " rounds of: raw loop with 2 threads, the same job again on"
                + " the worker; the columns after 'cold' are the last round, when both JVMs are warm");
        System.out.println("ratio = job images/s / raw 2-thread images/s of the same round; job time includes"
                + " listing and planning; cold/raw = the cold job's images/s / the last round's raw 2-thread"
                + " images/s (the warm raw loop)");
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
        LocalBlobStore store = new LocalBlobStore(root, Clock.systemUTC());
        ModelRegistry registry = new ModelRegistry(store, "local", JSON, Clock.systemUTC(), "benchmark");
        BenchModels.registerChampion(registry, "bench", export, input);

        Path noSpecs = Files.createDirectories(dir.resolve("jobs"));
        Map<String, String> settings = Map.of(
                "orchard.storage.local.root",
                root.toString(),
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
        try (RawLoop raw = RawLoop.start(JAVA, root, export, size, dir.resolve("raw-loop.log"))) {
            double raw1 = raw.run(1).imagesPerSecond();
            Rate warmed = raw.warm(RAW_WARM_PASSES);
            System.out.printf(
                    Locale.ROOT,
                    "%dx%d raw loop warmed (2 threads, passes until two agree within 3%%, at most %d): %.1f images/s%n",
                    size,
                    size,
                    RAW_WARM_PASSES,
                    warmed.imagesPerSecond());
            List<String> options = workerOptions(dir);
            List<Double> colds = new ArrayList<>();
            for (int start = 1; start < COLD_STARTS; start++) {
                try (WorkerProcess worker = startWorker(dir, size, start, options, settings)) {
                    colds.add(firstJob(worker, root, start, count));
                }
            }
            try (WorkerProcess worker = startWorker(dir, size, COLD_STARTS, options, settings)) {
                colds.add(firstJob(worker, root, COLD_STARTS, count));
                String token =
                        Files.readString(root.resolve(".orchard-admin-token")).strip();
                List<Round> rounds = new ArrayList<>();
                for (int i = 1; i <= ROUNDS; i++) {
                    Round round = new Round(raw.run(2), job(worker, root, token, "round-" + i, count));
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
                return new Figures(size, count, raw1, colds, rounds, PeakRss.ofKb(worker.pid()));
            }
        }
    }

    /**
     * The worker's JVM options: with the packaged jar, the AOT cache a training run wrote (unless
     * switched off); {@code -XX:AOTMode=on} makes a cache the JVM cannot use fail the start instead
     * of timing one without it.
     */
    private static List<String> workerOptions(Path dir) throws Exception {
        if (JAR.isBlank() || !AOT) {
            return List.of();
        }
        Path cache = dir.resolve("orchard.aot");
        trainAotCache(Path.of(JAR).toAbsolutePath(), cache, dir);
        return List.of("-XX:AOTCache=" + cache, "-XX:AOTMode=on");
    }

    /**
     * Fresh worker number {@code start}, from the class path or the packaged jar, with a work
     * directory of its own (a new instance copies its champion from the bucket, as in a container).
     */
    private static WorkerProcess startWorker(
            Path dir, int size, int start, List<String> options, Map<String, String> settings) throws Exception {
        List<String> main = JAR.isBlank()
                ? WorkerProcess.fromClassPath()
                : List.of("-jar", Path.of(JAR).toAbsolutePath().toString());
        Map<String, String> own = new HashMap<>(settings);
        own.put("orchard.registry.work-dir", dir.resolve("work-" + start).toString());
        return WorkerProcess.launch("worker-" + size + "-" + start, dir, JAVA, options, main, own, null, Map.of());
    }

    /** The first job of a fresh worker, as soon as it is ready: its images/s. */
    private static double firstJob(WorkerProcess worker, Path root, int start, int count) throws Exception {
        worker.awaitReady(Duration.ofSeconds(120));
        String token = Files.readString(root.resolve(".orchard-admin-token")).strip();
        double cold = job(worker, root, token, "cold-" + start, count).imagesPerSecond();
        System.out.printf(Locale.ROOT, "fresh worker %d: first job %.1f images/s%n", start, cold);
        return cold;
    }

    /** Writes {@code cache} as the image build does: {@code AotTrainingRun} on the jar with {@code -XX:AOTCacheOutput}. */
    private static void trainAotCache(Path jar, Path cache, Path dir) throws Exception {
        Path scratch = Files.createTempDirectory(dir, "aot-training");
        Path log = dir.resolve("aot-training.log");
        Process training = new ProcessBuilder(
                        JAVA,
                        "-Xmx1g",
                        "-XX:G1HeapRegionSize=4m",
                        "-XX:AOTCacheOutput=" + cache,
                        "-cp",
                        jar.toString(),
                        "dev.orchard.AotTrainingRun",
                        "--server.port=0",
                        "--orchard.jobs.location=" + Path.of("jobs").toAbsolutePath(),
                        "--orchard.storage.local.root=" + scratch.resolve("data"),
                        "--orchard.registry.work-dir=" + scratch.resolve("work"),
                        "--server.tomcat.basedir=" + scratch.resolve("tomcat"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (training.waitFor() != 0 || !Files.exists(cache)) {
            throw new IllegalStateException("the AOT training run wrote no cache; see " + log);
        }
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
        awaitCompleted(worker, token, id);
        return new Rate(s.path("imagesPerSecond").asDouble(), cpuMsPerImage);
    }

    /**
     * Waits until the job's execution is marked COMPLETED, just after its summary is written: a
     * worker stopped in between would leave it for stale-execution recovery, and the next worker
     * would resume it beside its own first job.
     */
    private static void awaitCompleted(WorkerProcess worker, String token, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> status = worker.get("/jobs/" + id, token);
            if (status.statusCode() == 200
                    && "COMPLETED"
                            .equals(JSON.readTree(status.body()).path("status").asString())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("job " + id + " not COMPLETED after its summary: " + status.body());
            }
            Thread.sleep(20);
        }
    }

    /**
     * User + system time of process {@code pid} from {@code /proc/<pid>/stat} (clock ticks of 10 ms),
     * read the same way for the benchmark's own JVM and the worker's.
     */
    static long cpuMillis(long pid) throws Exception {
        return cpuMillis(Path.of("/proc/" + pid + "/stat"));
    }

    /** User + system time in a {@code /proc} stat file, a process's or a thread's ({@code /proc/<pid>/task/<tid>/stat}). */
    static long cpuMillis(Path statFile) throws IOException {
        String stat = Files.readString(statFile);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10; // utime, stime
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

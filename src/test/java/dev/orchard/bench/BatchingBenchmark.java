package dev.orchard.bench;

import dev.orchard.AotTrainingRun;
import dev.orchard.OrchardApplication;
import dev.orchard.model.ModelInput;
import dev.orchard.model.TestImages;
import dev.orchard.model.TestSavedModels;
import dev.orchard.registry.ModelRegistry;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * HTTP classify throughput with 32 concurrent clients, dynamic batching always, off and adaptive, same model, same
 * run, for two TensorFlow SavedModels taking 64×64×3: {@code dense} (one dense layer, almost no
 * work per image) and {@code cnn} (two 3×3 convolutions of 32 and 64 filters, ~22 M multiply-adds
 * per image); adaptive again with the image as the whole body instead of a multipart part, and
 * with drift counting off (its cost). Each is divided by the raw decode + inference loop on the
 * same image bytes (measured before and after the HTTP runs, the higher taken). The clients are
 * {@link KeepAliveClient}s in this JVM, on the worker's cores; their share of the CPU is printed.
 * Every setting runs once per round ({@code -Dbenchmark.rounds}, 2); the last round is reported.
 * It also prints the model's raw rate with 1-image and 32-image calls, the most batching can win.
 * Not a test: it prints.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.BatchingBenchmark
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.BatchingBenchmark -Dbenchmark.models=cnn
 * </pre>
 */
public final class BatchingBenchmark {

    static final int CLIENTS = 32;
    static final long WARM_UP_MS = 3_000;
    static final long MEASURE_MS = 10_000;

    /** {@code png} (default): a 64x64 PNG; {@code phone}: a 4032x3024 JPEG lying on its side (EXIF 6). */
    static final String IMAGE_KIND = System.getProperty("benchmark.image", "png");

    static final byte[] IMAGE = "phone".equals(IMAGE_KIND)
            ? TestImages.withOrientation(TestImages.encoded("jpg", 4032, 3024, BufferedImage.TYPE_INT_RGB), 6)
            : TestImages.encoded("png", 64, 64, BufferedImage.TYPE_INT_RGB);

    /** The raw loop uses every core, as the worker does. */
    static final int RAW_THREADS = Runtime.getRuntime().availableProcessors();

    /**
     * @param clientsCpuShare the clients' CPU time over the whole process's in the measured seconds
     *     (they run in this JVM, beside the worker)
     */
    record Figures(double requestsPerSecond, long p50Micros, long p99Micros, int errors, double clientsCpuShare) {}

    /** How a request carries its image: a multipart part {@code image}, or the whole body. */
    enum Route {
        MULTIPART,
        BODY
    }

    /** One measured setting: a batching mode, how the image travels, any other worker settings. */
    record Setting(String label, String mode, Route route, String... args) {}

    static final List<Setting> SETTINGS = List.of(
            new Setting("always, multipart", "always", Route.MULTIPART),
            new Setting("off, multipart", "off", Route.MULTIPART),
            new Setting("adaptive, multipart", "adaptive", Route.MULTIPART),
            new Setting("adaptive, body", "adaptive", Route.BODY),
            new Setting("no drift, multipart", "adaptive", Route.MULTIPART, "--orchard.drift.enabled=false"));

    public static void main(String[] args) throws Exception {
        Path data = Files.createTempDirectory("orchard-batching-bench-");
        for (String model : System.getProperty("benchmark.models", "dense,cnn").split(",")) {
            String name = "bench-" + model.strip();
            double[] raw = rawRates(data, model.strip());
            double rawFirst = rawDecodeAndInferRate(data, model.strip());
            // every setting once per round, the last round reported: settings run later in a round run
            // on code the JIT compiled for the earlier ones, so a first round favours its last settings
            int rounds = Integer.getInteger("benchmark.rounds", 2);
            Map<String, List<Figures>> byRound = new java.util.LinkedHashMap<>();
            for (int round = 0; round < rounds; round++) {
                for (Setting setting : SETTINGS) {
                    byRound.computeIfAbsent(setting.label(), k -> new ArrayList<>())
                            .add(run(data, name, model.strip(), setting.mode(), setting.route(), setting.args()));
                }
            }
            Figures always = last(byRound.get("always, multipart"));
            Figures off = last(byRound.get("off, multipart"));
            Figures adaptive = last(byRound.get("adaptive, multipart"));
            Figures uncounted = last(byRound.get("no drift, multipart"));
            double rawLast = rawDecodeAndInferRate(data, model.strip());
            // the higher of the two: the first can run before the JIT has compiled the loop
            double decodeAndInfer = Math.max(rawFirst, rawLast);
            System.out.printf(
                    Locale.ROOT,
                    "%n=== HTTP :classify, %d clients, TF SavedModel %s 64x64x3 -> 10, image: %s (%d bytes) ===%n",
                    CLIENTS,
                    model,
                    IMAGE_KIND,
                    IMAGE.length);
            System.out.printf(
                    Locale.ROOT,
                    "raw model: %.0f images/s in 1-image calls, %.0f images/s in 32-image calls (x%.2f)%n",
                    raw[0],
                    raw[1],
                    raw[1] / raw[0]);
            System.out.printf(
                    Locale.ROOT,
                    "raw decode + 1-image inference on %d threads: %.1f images/s (first %.1f, last %.1f)%n",
                    RAW_THREADS,
                    decodeAndInfer,
                    rawFirst,
                    rawLast);
            System.out.printf(
                    Locale.ROOT,
                    "last of %d rounds   %12s %8s %10s %10s %7s %14s   requests/s by round%n",
                    rounds,
                    "requests/s",
                    "÷ raw",
                    "p50 ms",
                    "p99 ms",
                    "errors",
                    "clients' CPU");
            byRound.forEach((setting, figures) -> print(setting, figures, decodeAndInfer));
            System.out.printf(
                    Locale.ROOT,
                    "ratio to off: always %.2f, adaptive %.2f%n",
                    always.requestsPerSecond() / off.requestsPerSecond(),
                    adaptive.requestsPerSecond() / off.requestsPerSecond());
            System.out.printf(
                    Locale.ROOT,
                    "drift counting (default) / none: %.2f (adaptive, orchard.drift.enabled=false for 'no drift')%n",
                    adaptive.requestsPerSecond() / uncounted.requestsPerSecond());
            System.out.printf(
                    Locale.ROOT,
                    "peak RSS of this JVM so far (workers run in it): %d MB%n%n",
                    PeakRss.ofThisProcessKb() / 1024);
        }
    }

    /** Images/s of the bare classifier with 1-image and with 32-image calls, 3 s each after warm-up. */
    private static double[] rawRates(Path data, String model) throws Exception {
        Path export = data.resolve("raw-" + model);
        export(export, model);
        ModelInput input = new ModelInput(64, 64, 3, ModelInput.Scaling.UNIT);
        List<String> labels = BenchModels.LABELS;
        float[] image = new float[input.size()];
        for (int i = 0; i < image.length; i++) {
            image[i] = (i % 255) / 255f;
        }
        try (dev.orchard.model.TensorFlowClassifier classifier =
                dev.orchard.model.TensorFlowClassifier.load(export, input, labels, false)) {
            double[] rates = new double[2];
            int[] sizes = {1, 32};
            for (int s = 0; s < sizes.length; s++) {
                float[][] batch = new float[sizes[s]][];
                java.util.Arrays.fill(batch, image);
                long warm = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < warm) {
                    classifier.classify(batch, 3);
                }
                long images = 0;
                long t0 = System.nanoTime();
                while (System.nanoTime() - t0 < 3_000_000_000L) {
                    classifier.classify(batch, 3);
                    images += batch.length;
                }
                rates[s] = images / ((System.nanoTime() - t0) / 1e9);
            }
            return rates;
        }
    }

    /**
     * Images/s of the work a request cannot avoid — decode the same image bytes for the model, then a
     * 1-image inference — on every core, 3 s after a 1 s warm-up: the hardware limit HTTP is measured
     * against.
     */
    private static double rawDecodeAndInferRate(Path data, String model) throws Exception {
        Path export = data.resolve("raw-" + model); // exported by rawRates
        ModelInput input = new ModelInput(64, 64, 3, ModelInput.Scaling.UNIT);
        dev.orchard.model.ImageDecoder decoder = new dev.orchard.model.ImageDecoder(
                dev.orchard.model.ImageLimits.of(org.springframework.util.unit.DataSize.ofMegabytes(20), 50_000_000));
        try (dev.orchard.model.TensorFlowClassifier classifier =
                dev.orchard.model.TensorFlowClassifier.load(export, input, BenchModels.LABELS, false)) {
            java.util.concurrent.atomic.AtomicLong images = new java.util.concurrent.atomic.AtomicLong();
            long warmEnd = System.nanoTime() + 1_000_000_000L;
            ExecutorService pool = Executors.newFixedThreadPool(RAW_THREADS);
            List<java.util.concurrent.Future<?>> workers = new ArrayList<>();
            long measureEnd = warmEnd + 3_000_000_000L;
            for (int t = 0; t < RAW_THREADS; t++) {
                workers.add(pool.submit(() -> {
                    boolean counting = false;
                    while (System.nanoTime() < measureEnd) {
                        float[] row = decoder.decode(IMAGE, input);
                        classifier.classify(new float[][] {row}, 3);
                        if (counting) {
                            images.incrementAndGet();
                        } else {
                            counting = System.nanoTime() >= warmEnd;
                        }
                    }
                    return null;
                }));
            }
            for (var worker : workers) {
                worker.get();
            }
            pool.shutdown();
            return images.get() / ((measureEnd - warmEnd) / 1e9);
        }
    }

    private static Figures last(List<Figures> rounds) {
        return rounds.get(rounds.size() - 1);
    }

    private static void print(String name, List<Figures> rounds, double raw) {
        Figures f = last(rounds);
        System.out.printf(
                Locale.ROOT,
                "%-20s %12.1f %8.2f %10.2f %10.2f %7d %13.0f%%   %s%n",
                name,
                f.requestsPerSecond(),
                f.requestsPerSecond() / raw,
                f.p50Micros() / 1000.0,
                f.p99Micros() / 1000.0,
                f.errors(),
                100 * f.clientsCpuShare(),
                rounds.stream()
                        .map(r -> String.format(Locale.ROOT, "%.0f", r.requestsPerSecond()))
                        .collect(java.util.stream.Collectors.joining(" ")));
    }

    private static Figures run(Path data, String name, String model, String batching, Route route, String... more)
            throws Exception {
        List<String> arguments = new ArrayList<>(List.of(
                "--server.port=0",
                "--logging.level.root=WARN",
                "--orchard.storage.local.root=" + data,
                "--orchard.registry.work-dir=" + data.resolve("work"),
                "--orchard.bootstrap.enabled=false",
                "--orchard.trigger.local.enabled=false",
                "--orchard.serving.batching.mode=" + batching));
        arguments.addAll(List.of(more));
        String extra = System.getProperty("benchmark.args", "");
        if (!extra.isBlank()) {
            arguments.addAll(List.of(extra.strip().split("\\s+")));
        }
        try (ConfigurableApplicationContext app =
                new SpringApplicationBuilder(OrchardApplication.class).run(arguments.toArray(String[]::new))) {
            ModelRegistry registry = app.getBean(ModelRegistry.class);
            if (registry.champion(name).isEmpty()) {
                register(registry, data, name, model);
            }
            int port = Integer.parseInt(app.getEnvironment().getProperty("local.server.port"));
            return load(port, name, route);
        }
    }

    private static void export(Path export, String model) throws Exception {
        ModelInput input = new ModelInput(64, 64, 3, ModelInput.Scaling.UNIT);
        if ("cnn".equals(model)) {
            TestSavedModels.cnn(export, input, 10, 42);
            return;
        }
        Random random = new Random(42);
        float[][] weights = new float[input.size()][10];
        for (float[] row : weights) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) (random.nextGaussian() * 0.01);
            }
        }
        TestSavedModels.linear(export, input, weights, new float[10], true);
    }

    private static void register(ModelRegistry registry, Path data, String name, String model) throws Exception {
        ModelInput input = new ModelInput(64, 64, 3, ModelInput.Scaling.UNIT);
        Path export = data.resolve("export-" + model);
        export(export, model);
        BenchModels.registerChampion(registry, name, export, input);
    }

    private static Figures load(int port, String name, Route route) throws Exception {
        String path = "/v1/models/" + name + ":classify";
        String type = "phone".equals(IMAGE_KIND) ? "image/jpeg" : "image/png";
        String boundary = "orchard-benchmark";
        byte[] body = route == Route.BODY ? IMAGE : AotTrainingRun.imagePart(boundary, type, IMAGE);
        String contentType = route == Route.BODY ? type : "multipart/form-data; boundary=" + boundary;
        ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
        AtomicInteger errors = new AtomicInteger();
        java.util.concurrent.atomic.AtomicLong clientsCpu = new java.util.concurrent.atomic.AtomicLong();
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        var process = (com.sun.management.OperatingSystemMXBean)
                java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long start = System.currentTimeMillis();
        long measureFrom = start + WARM_UP_MS;
        long end = measureFrom + MEASURE_MS;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<java.util.concurrent.Future<?>> running = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            running.add(clients.submit(() -> {
                long cpuFrom = -1;
                try (KeepAliveClient http = KeepAliveClient.posting("127.0.0.1", port, path, contentType, body)) {
                    while (System.currentTimeMillis() < end) {
                        boolean measured = System.currentTimeMillis() >= measureFrom;
                        if (measured && cpuFrom < 0) {
                            cpuFrom = threads.getCurrentThreadCpuTime();
                        }
                        long t0 = System.nanoTime();
                        try {
                            int status = http.send();
                            long micros = (System.nanoTime() - t0) / 1000;
                            if (measured) {
                                if (status == 200) {
                                    latencies.add(micros);
                                } else {
                                    errors.incrementAndGet();
                                }
                            }
                        } catch (java.io.IOException e) {
                            http.close(); // a new connection for the next request
                            if (measured) {
                                errors.incrementAndGet();
                            }
                        }
                    }
                }
                clientsCpu.addAndGet(threads.getCurrentThreadCpuTime() - Math.max(0, cpuFrom));
                return null;
            }));
        }
        Thread.sleep(Math.max(0, measureFrom - System.currentTimeMillis()));
        long processFrom = process.getProcessCpuTime();
        for (var future : running) {
            future.get();
        }
        long processCpu = process.getProcessCpuTime() - processFrom;
        clients.shutdown();
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Figures(
                sorted.length / (MEASURE_MS / 1000.0),
                sorted[sorted.length / 2],
                sorted[(int) (sorted.length * 0.99)],
                errors.get(),
                clientsCpu.get() / (double) processCpu);
    }
}

package dev.orchard.bench;

import dev.orchard.AotTrainingRun;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * Time from process start to ready (readiness UP: the champion model loaded) for JVM setups side
 * by side, each started {@code benchmark.runs} times on a warm data directory (second start: no
 * first-start training, TensorFlow natives already unpacked), the setups in turn (round robin). A
 * setup with {@code -Dorchard.jit.background=false} shows what running the C2 compiler threads at
 * nice 19 ({@link dev.orchard.system.CompilerPriority}) gains. The baseline (JVM defaults) is
 * measured in the same run. Class-data and AOT caches come from a training run of {@link
 * AotTrainingRun}, as in the image build.
 *
 * <p>The jar must be the extracted application jar (its libraries beside it in {@code lib/}) so
 * class data sharing can archive application classes; a cache is only used when the jar is given
 * by the same absolute path as when it was made.
 *
 * <pre>
 * ./mvnw -q package -DskipTests
 * java -Djarmode=tools -jar target/orchard-0.1.0-SNAPSHOT.jar extract --destination /tmp/orchard-app
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.StartupBenchmark \
 *     -Dbenchmark.jar=/tmp/orchard-app/orchard-0.1.0-SNAPSHOT.jar \
 *     -Dbenchmark.java25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
 * </pre>
 *
 * <p>{@code benchmark.savedmodel=256} makes a 256×256×3 TensorFlow SavedModel the champion after
 * the first start, so every measured start loads and warms it. {@code benchmark.savedmodel.weights}
 * says where its weights are: {@code variables} (the default: restored from the checkpoint, as in a
 * Keras export), {@code constants} (in the graph, as in a frozen graph), or both,
 * comma-separated: then every Orchard setup runs once per kind, each on its own data directory, in
 * the same round robin.
 *
 * <p>{@code benchmark.setups} (setup names separated by {@code ;}, as the results table prints them
 * without ", weights as …") measures only those setups; the caches they start with are still
 * trained.
 *
 * <p>{@code benchmark.args} (space-separated worker arguments) start Orchard in another shape, its
 * caches' training runs too: the deployed shape's Pub/Sub and PostgreSQL settings, for example.
 *
 * <p>After the results, a second table says where each setup's CPU went by the time it was ready
 * ({@link ThreadCpu}: the main thread, the compilers, GC, the champion's threads, threads already
 * ended).
 *
 * <p>{@code benchmark.floors} (comma-separated extracted jars of {@code src/test/startup-floor}) adds
 * start-up floors: applications without Orchard's code on the Spring stack it runs, started with
 * the same JVM setups, so a host's figures tell Orchard's own share from the stack's.
 */
public final class StartupBenchmark {

    /**
     * One JVM setup; {@code training} are the options of its cache's training run (null: none), which
     * runs {@link AotTrainingRun} as the image build does, or with {@code trainedToRefresh} the older
     * way, a start that exits after the context refresh without a champion (for comparison).
     */
    record Setup(
            String name, String java, List<String> options, List<String> training, boolean trainedToRefresh, App app) {

        Setup(String name, String java, List<String> options, List<String> training) {
            this(name, java, options, training, false, App.ORCHARD);
        }

        Setup(String name, String java, List<String> options, List<String> training, boolean trainedToRefresh) {
            this(name, java, options, training, trainedToRefresh, App.ORCHARD);
        }
    }

    /**
     * The application a setup starts: Orchard ({@code jar} null: {@code benchmark.jar}) on the data
     * directory {@code champion} names (its champion's weights, with {@code benchmark.savedmodel}), or
     * a floor, which has no model to ask (no first {@code :classify}) and whose cache is trained by a
     * start to readiness.
     */
    record App(Path jar, String champion) {

        static final App ORCHARD = new App(null, "");

        App(Path jar) {
            this(jar, "");
        }

        boolean orchard() {
            return jar == null;
        }

        Path jarOr(Path orchardJar) {
            return orchard() ? orchardJar : jar;
        }
    }

    /** Worker arguments every Orchard start gets ({@code benchmark.args}), after the benchmark's own. */
    static final List<String> SHAPE = List.of(
                    System.getProperty("benchmark.args", "").strip().split("\\s+"))
            .stream()
            .filter(a -> !a.isEmpty())
            .toList();

    /** The setup the start-up target is a multiple of: the Spring stack floor, plain {@code java -jar}. */
    static final String STACK_FLOOR = "floor-stack: Java 17 defaults";

    public static void main(String[] args) throws Exception {
        Path jar = Path.of(System.getProperty("benchmark.jar", "/tmp/orchard-app/orchard-0.1.0-SNAPSHOT.jar"))
                .toAbsolutePath();
        if (!Files.exists(jar)) {
            throw new IllegalArgumentException(jar + " does not exist; see the class comment for how to extract it");
        }
        String java17 = System.getProperty("benchmark.java", "java");
        String java25 = System.getProperty("benchmark.java25", "");
        int runs = Integer.getInteger("benchmark.runs", 3);
        Path work = Files.createTempDirectory("orchard-startup-");
        Path jsa = work.resolve("app.jsa");
        Path aot = work.resolve("app.aot");
        Path aotToRefresh = work.resolve("app-to-refresh.aot");
        Path natives = work.resolve("javacpp");
        List<Setup> setups = new ArrayList<>();
        setups.add(new Setup("Java 17 defaults", java17, List.of(), null));
        setups.add(new Setup(
                "Java 17 defaults, C2 at normal priority", java17, List.of("-Dorchard.jit.background=false"), null));
        setups.add(new Setup(
                "Java 17 + CDS archive",
                java17,
                List.of("-XX:SharedArchiveFile=" + jsa),
                List.of("-XX:ArchiveClassesAtExit=" + jsa)));
        setups.add(new Setup(
                "Java 17 + CDS + C1 only",
                java17,
                List.of("-XX:SharedArchiveFile=" + jsa, "-XX:TieredStopAtLevel=1"),
                null));
        if (!java25.isBlank()) {
            setups.add(new Setup("Java 25 defaults", java25, List.of(), null));
            setups.add(new Setup(
                    "Java 25 + AOT cache (as in the image)",
                    java25,
                    List.of("-XX:AOTCache=" + aot),
                    List.of("-XX:AOTCacheOutput=" + aot)));
            setups.add(new Setup(
                    "Java 25 + AOT cache + C1 only",
                    java25,
                    List.of("-XX:AOTCache=" + aot, "-XX:TieredStopAtLevel=1"),
                    null));
            if (Boolean.getBoolean("benchmark.spring-aot")) {
                // the jar must be built with -Pspring-aot for the embedded default (docs/performance.md); the
                // cache is the one trained above without Spring AOT, as in the image
                setups.add(new Setup(
                        "Java 25 + AOT cache trained to refresh + Spring AOT",
                        java25,
                        List.of("-XX:AOTCache=" + aotToRefresh, "-Dspring.aot.enabled=true"),
                        List.of("-XX:AOTCacheOutput=" + aotToRefresh),
                        true));
                setups.add(new Setup(
                        "Java 25 + AOT cache + Spring AOT",
                        java25,
                        List.of("-XX:AOTCache=" + aot, "-Dspring.aot.enabled=true"),
                        null));
                setups.add(new Setup(
                        "Java 25 + AOT cache + Spring AOT + C1 only",
                        java25,
                        List.of("-XX:AOTCache=" + aot, "-Dspring.aot.enabled=true", "-XX:TieredStopAtLevel=1"),
                        null));
            }
        }
        for (String floor : System.getProperty("benchmark.floors", "").split(",")) {
            if (!floor.isBlank()) {
                setups.addAll(floorSetups(Path.of(floor.trim()).toAbsolutePath(), java17, java25, work));
            }
        }
        int savedModel = Integer.getInteger("benchmark.savedmodel", 0);
        List<String> champions = savedModel > 0
                ? java.util.Arrays.stream(System.getProperty("benchmark.savedmodel.weights", "variables")
                                .split(","))
                        .map(String::strip)
                        .filter(kind -> !kind.isEmpty())
                        .toList()
                : List.of("");
        if (savedModel > 0) {
            champions.forEach(StartupBenchmark::weights); // a bad name fails now, not after the first start
        }
        List<Setup> all = perChampion(setups, champions);
        List<Setup> measured = selected(all);
        byte[] sample = AotTrainingRun.sampleImage(); // once: finding it scans the class path
        for (String champion : champions) {
            Path data = data(work, champion);
            // first start: trains the sample model and unpacks the natives; not measured
            start(java17, List.of(), App.ORCHARD, jar, natives, data, work, sample, "first");
            if (savedModel > 0) {
                promoteSavedModel(data, work, savedModel, champion);
            }
        }
        for (Setup setup : all) {
            if (setup.training() != null && usedBy(setup, measured)) {
                train(setup, jar, natives, work);
            }
        }
        setups = measured;
        // round robin, so a drift of the machine's speed during the run touches every setup alike
        Map<String, List<Start>> results = new LinkedHashMap<>();
        for (int i = 0; i < runs; i++) {
            for (Setup setup : setups) {
                results.computeIfAbsent(setup.name(), name -> new ArrayList<>())
                        .add(start(
                                setup.java(),
                                setup.options(),
                                setup.app(),
                                jar,
                                natives,
                                data(work, setup.app().champion()),
                                work,
                                sample,
                                "run"));
            }
        }
        String name = "%-"
                + setups.stream().mapToInt(setup -> setup.name().length()).max().orElse(5) + "s";
        for (Setup setup : setups) {
            List<Start> times = results.get(setup.name());
            System.out.printf(
                    name + " ready %s ms, first :classify %s%n",
                    setup.name(),
                    times.stream().map(Start::readyMs).toList(),
                    setup.app().orchard()
                            ? times.stream().map(Start::firstClassifyMs).toList() + " ms"
                            : "-");
        }
        long baseline = median(results.values().iterator().next(), Start::readyMs);
        List<Start> stackFloor = results.get(STACK_FLOOR);
        System.out.printf(
                "%n" + name + " %12s %8s %16s %8s %14s%n",
                "setup",
                "median ready",
                "ratio",
                "first :classify",
                "RSS MB",
                "÷ floor-stack");
        results.forEach((setup, times) -> {
            long ready = median(times, Start::readyMs);
            long answered = ready + Math.max(0, median(times, Start::firstClassifyMs));
            System.out.printf(
                    name + " %9d ms %8.2f %16s %8d %14s%n",
                    setup,
                    ready,
                    (double) ready / baseline,
                    times.get(0).firstClassifyMs() < 0 ? "-" : median(times, Start::firstClassifyMs) + " ms",
                    median(times, Start::peakRssKb) / 1024,
                    stackFloor == null
                            ? "-"
                            : String.format(
                                    java.util.Locale.ROOT,
                                    "%.2f",
                                    (double) answered / median(stackFloor, Start::readyMs)));
        });
        System.out.println("RSS MB = the worker's peak resident set (VmHWM) when it had answered, median of the runs");
        System.out.println("÷ floor-stack = (median ready + median first :classify) / floor-stack's median ready,"
                + " Java 17 defaults (with -Dbenchmark.floors); setups ran round robin");
        printCpu(name, results);
    }

    /**
     * Makes a TensorFlow SavedModel champion of {@code fashion}: a CNN taking {@code size}×{@code
     * size}×3 (3×3 convolutions of 32 and 64 filters, as the prefix-job benchmark's), so every start
     * after this loads and warms a SavedModel before it is ready, and the first {@code :classify}
     * resizes the sample image to it.
     */
    private static void promoteSavedModel(Path data, Path work, int size, String weights) throws IOException {
        dev.orchard.model.ModelInput input =
                new dev.orchard.model.ModelInput(size, size, 3, dev.orchard.model.ModelInput.Scaling.UNIT);
        Path export = work.resolve("savedmodel-" + size + "-" + weights);
        dev.orchard.model.TestSavedModels.cnn(export, input, 10, 42, weights(weights));
        dev.orchard.registry.ModelRegistry registry = new dev.orchard.registry.ModelRegistry(
                new dev.orchard.storage.LocalBlobStore(data, java.time.Clock.systemUTC()),
                "local",
                tools.jackson.databind.json.JsonMapper.builder().build(),
                java.time.Clock.systemUTC(),
                "benchmark");
        int version = BenchModels.registerChampion(registry, "fashion", export, input);
        System.out.printf(
                "fashion v%d: a %dx%dx3 TensorFlow SavedModel, weights as %s, champion for the starts on %s%n",
                version, size, size, weights, data);
    }

    private static dev.orchard.model.TestSavedModels.Weights weights(String name) {
        try {
            return dev.orchard.model.TestSavedModels.Weights.valueOf(
                    name.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "benchmark.savedmodel.weights: '" + name + "' is neither variables nor constants", e);
        }
    }

    /** The data directory of Orchard's starts with {@code champion} (blank: the only one). */
    private static Path data(Path work, String champion) {
        return work.resolve(champion.isBlank() ? "data" : "data-" + champion);
    }

    /** Each Orchard setup once per champion (named for it when there are several); floors once. */
    private static List<Setup> perChampion(List<Setup> setups, List<String> champions) {
        List<Setup> all = new ArrayList<>();
        for (Setup setup : setups) {
            if (!setup.app().orchard()) {
                all.add(setup);
                continue;
            }
            for (int i = 0; i < champions.size(); i++) {
                String champion = champions.get(i);
                all.add(new Setup(
                        champions.size() == 1 ? setup.name() : setup.name() + ", weights as " + champion,
                        setup.java(),
                        setup.options(),
                        i == 0 ? setup.training() : null, // a cache's training run does not use the data
                        setup.trainedToRefresh(),
                        new App(null, champion)));
            }
        }
        return all;
    }

    /** The setups {@code benchmark.setups} names (all without it). */
    private static List<Setup> selected(List<Setup> setups) {
        List<String> parts = List.of(System.getProperty("benchmark.setups", "").split(";")).stream()
                .map(String::strip)
                .filter(part -> !part.isEmpty())
                .toList();
        for (String part : parts) {
            // a misspelt name would silently leave its setup out of the comparison
            if (setups.stream().noneMatch(setup -> names(part, setup))) {
                throw new IllegalArgumentException("benchmark.setups: no setup is named '" + part + "'; the setups: "
                        + setups.stream().map(Setup::name).toList());
            }
        }
        return setups.stream()
                .filter(setup -> parts.isEmpty() || parts.stream().anyMatch(part -> names(part, setup)))
                .toList();
    }

    /** Whether {@code part} names {@code setup}, with or without its champion's weights. */
    private static boolean names(String part, Setup setup) {
        return setup.name().equals(part) || setup.name().startsWith(part + ", weights as ");
    }

    /** Whether a measured setup starts with the cache {@code training}'s run writes. */
    private static boolean usedBy(Setup training, List<Setup> measured) {
        return training.training().stream()
                .filter(option ->
                        option.startsWith("-XX:AOTCacheOutput=") || option.startsWith("-XX:ArchiveClassesAtExit="))
                .map(option -> option.substring(option.indexOf('=')))
                .anyMatch(cache -> measured.stream()
                        .anyMatch(setup -> setup.options().stream().anyMatch(option -> option.endsWith(cache))));
    }

    /** A floor's setups: JVM defaults, and the image's JVM setup with Spring AOT, with and without C2. */
    private static List<Setup> floorSetups(Path jar, String java17, String java25, Path work) {
        if (!Files.exists(jar)) {
            throw new IllegalArgumentException(jar + " does not exist; see src/test/startup-floor/pom.xml");
        }
        String name = jar.getFileName().toString().replaceFirst("\\.jar$", "");
        App app = new App(jar);
        List<Setup> setups =
                new ArrayList<>(List.of(new Setup(name + ": Java 17 defaults", java17, List.of(), null, false, app)));
        if (!java25.isBlank()) {
            Path aot = work.resolve(jar.getFileName() + ".aot");
            setups.add(new Setup(
                    name + ": Java 25 + AOT cache + Spring AOT",
                    java25,
                    List.of("-XX:AOTCache=" + aot, "-Dspring.aot.enabled=true"),
                    List.of("-XX:AOTCacheOutput=" + aot),
                    false,
                    app));
            setups.add(new Setup(
                    name + ": Java 25 + AOT cache + Spring AOT + C1 only",
                    java25,
                    List.of("-XX:AOTCache=" + aot, "-Dspring.aot.enabled=true", "-XX:TieredStopAtLevel=1"),
                    null,
                    false,
                    app));
        }
        return setups;
    }

    /** Runs {@code setup}'s training and makes sure it wrote the cache its setups start with. */
    private static void train(Setup setup, Path jar, Path natives, Path work) throws Exception {
        if (setup.app().orchard()) {
            trainOrchard(setup, jar, natives, work);
        } else {
            // a floor has nothing to train beyond its start: the cache is written when the stopped JVM exits
            start(
                    setup.java(),
                    setup.training(),
                    setup.app(),
                    jar,
                    natives,
                    work.resolve("floor-data"),
                    work,
                    null,
                    "training");
        }
        // a cache that was not written would leave the setups using it timing starts without one
        for (String option : setup.training()) {
            for (String writes : List.of("-XX:AOTCacheOutput=", "-XX:ArchiveClassesAtExit=")) {
                if (option.startsWith(writes) && !Files.exists(Path.of(option.substring(writes.length())))) {
                    throw new IllegalStateException(
                            "the training run wrote no " + option + "; see " + work.resolve("training.log"));
                }
            }
        }
    }

    private static void trainOrchard(Setup setup, Path jar, Path natives, Path work) throws Exception {
        List<String> command = new ArrayList<>(List.of(setup.java()));
        command.addAll(setup.training());
        command.add("-Dorg.bytedeco.javacpp.cachedir=" + natives);
        if (setup.trainedToRefresh()) {
            command.addAll(List.of(
                    "-Dspring.context.exit=onRefresh", "-jar", jar.toString(), "--orchard.bootstrap.enabled=false"));
        } else {
            // as in the image: ready with the sample model as champion, first requests answered
            command.addAll(List.of("-cp", jar.toString(), AotTrainingRun.class.getName()));
        }
        command.addAll(List.of(
                "--server.port=0",
                "--orchard.jobs.location=" + Path.of("jobs").toAbsolutePath(),
                "--orchard.storage.local.root=" + Files.createTempDirectory(work, "training-data")));
        command.addAll(SHAPE);
        Process process = new ProcessBuilder(command)
                .directory(jar.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("training.log").toFile())
                .start();
        // a training run that fails (a bad setting) would archive only part of the start-up
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the training run failed; see " + work.resolve("training.log"));
        }
    }

    /**
     * Milliseconds from process start to readiness UP, and from then to the first :classify answer
     * (-1: none asked); the worker's peak resident set by then, in KB.
     */
    record Start(long readyMs, long firstClassifyMs, long peakRssKb, Map<String, Double> cpuAtReady) {}

    /** Starts the worker, waits for readiness, times one :classify of {@code sample} (the first request), stops it. */
    private static Start start(
            String java,
            List<String> options,
            App app,
            Path jar,
            Path natives,
            Path data,
            Path work,
            byte[] sample,
            String name)
            throws IOException, InterruptedException {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(options);
        command.addAll(List.of(
                "-Dorg.bytedeco.javacpp.cachedir=" + natives,
                "-jar",
                app.jarOr(jar).toString(),
                "--server.port=" + port,
                "--orchard.jobs.location=" + Path.of("jobs").toAbsolutePath(),
                "--orchard.storage.local.root=" + data));
        if (app.orchard()) {
            command.addAll(SHAPE);
        }
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest ready = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(1))
                .build();
        // built before the clock starts
        HttpRequest classify = app.orchard()
                ? AotTrainingRun.classifyRequest("http://127.0.0.1:" + port, "fashion", sample)
                        .build()
                : null;
        long started = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile())
                .start();
        try {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the worker exited; see " + work.resolve(name + ".log"));
                }
                try {
                    if (http.send(ready, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        long readyAt = System.nanoTime();
                        Map<String, Double> cpu = ThreadCpu.of(process.pid());
                        long firstClassify = classify == null ? -1 : firstClassify(http, classify, readyAt);
                        return new Start(
                                (readyAt - started) / 1_000_000, firstClassify, PeakRss.ofKb(process.pid()), cpu);
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                if (Duration.ofNanos(System.nanoTime() - started).toSeconds() > 300) {
                    throw new IllegalStateException("not ready after 300 s; see " + work.resolve(name + ".log"));
                }
                Thread.sleep(20);
            }
        } finally {
            process.destroy();
            process.waitFor();
        }
    }

    private static long firstClassify(HttpClient http, HttpRequest classify, long readyAt)
            throws IOException, InterruptedException {
        HttpResponse<String> answer = http.send(classify, HttpResponse.BodyHandlers.ofString());
        long millis = (System.nanoTime() - readyAt) / 1_000_000;
        if (answer.statusCode() != 200) {
            throw new IllegalStateException(
                    "the first :classify answered " + answer.statusCode() + ": " + answer.body());
        }
        return millis;
    }

    /** Where the CPU went by the time each setup was ready: seconds per kind of thread, medians. */
    private static void printCpu(String name, Map<String, List<Start>> results) {
        System.out.printf("%n" + name, "CPU seconds at ready");
        ThreadCpu.KINDS.forEach(kind -> System.out.printf(" %8s", kind));
        System.out.println();
        results.forEach((setup, times) -> {
            System.out.printf(name, setup);
            for (String kind : ThreadCpu.KINDS) {
                List<Double> seconds = times.stream()
                        .map(start -> start.cpuAtReady().getOrDefault(kind, 0.0))
                        .sorted()
                        .toList();
                System.out.printf(java.util.Locale.ROOT, " %8.2f", seconds.get(seconds.size() / 2));
            }
            System.out.println();
        });
        System.out.println("CPU seconds: user + system time of the worker's threads when readiness first answered UP"
                + " (/proc), by kind; exited = threads that had ended by then (TensorFlow's runtime load,"
                + " background initialisers); medians of the runs");
    }

    private static long median(List<Start> starts, ToLongFunction<Start> field) {
        List<Long> sorted = starts.stream().map(field::applyAsLong).sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}

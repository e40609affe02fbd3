package dev.orchard.bench;

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

/**
 * Time from process start to ready (readiness UP: the champion model loaded) for JVM setups side
 * by side, each started {@code benchmark.runs} times on a warm data directory (second start: no
 * first-start training, TensorFlow natives already unpacked). The baseline (JVM defaults) is
 * measured in the same run.
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
 */
public final class StartupBenchmark {

    record Setup(String name, String java, List<String> options, List<String> training) {}

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
        Path natives = work.resolve("javacpp");
        List<Setup> setups = new ArrayList<>();
        setups.add(new Setup("Java 17 defaults", java17, List.of(), null));
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
                // the jar must be built with -Pspring-aot for the embedded default (README); the
                // cache is the one trained above without Spring AOT, as in the image
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
        Path data = work.resolve("data");
        // first start: trains the sample model and unpacks the natives; not measured
        start(java17, List.of(), jar, natives, data, work, "first");
        Map<String, List<Long>> results = new LinkedHashMap<>();
        for (Setup setup : setups) {
            if (setup.training() != null) {
                train(setup, jar, natives, work);
            }
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                times.add(start(setup.java(), setup.options(), jar, natives, data, work, "run"));
            }
            results.put(setup.name(), times);
            System.out.printf("%-40s %s ms%n", setup.name(), times);
        }
        long baseline = median(results.values().iterator().next());
        System.out.printf("%n%-40s %12s %8s%n", "setup", "median ready", "ratio");
        results.forEach((name, times) ->
                System.out.printf("%-40s %9d ms %8.2f%n", name, median(times), (double) median(times) / baseline));
    }

    private static void train(Setup setup, Path jar, Path natives, Path work) throws Exception {
        List<String> command = new ArrayList<>(List.of(setup.java()));
        command.addAll(setup.training());
        command.addAll(List.of(
                "-Dspring.context.exit=onRefresh",
                "-Dorg.bytedeco.javacpp.cachedir=" + natives,
                "-jar",
                jar.toString(),
                "--server.port=0",
                "--orchard.bootstrap.enabled=false",
                "--orchard.jobs.location=" + Path.of("jobs").toAbsolutePath(),
                "--orchard.storage.local.root=" + work.resolve("training-data")));
        Process process = new ProcessBuilder(command)
                .directory(jar.getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("training.log").toFile())
                .start();
        // a training run that stops early (a bad setting) would archive only part of the start-up
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the training run failed; see " + work.resolve("training.log"));
        }
    }

    /** Starts the worker, returns ms until readiness answers UP, stops it. */
    private static long start(
            String java, List<String> options, Path jar, Path natives, Path data, Path work, String name)
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
                jar.toString(),
                "--server.port=" + port,
                "--orchard.jobs.location=" + Path.of("jobs").toAbsolutePath(),
                "--orchard.storage.local.root=" + data));
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();
        HttpRequest ready = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(1))
                .build();
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
                        return (System.nanoTime() - started) / 1_000_000;
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

    private static long median(List<Long> values) {
        List<Long> sorted = values.stream().sorted().toList();
        return sorted.get(sorted.size() / 2);
    }
}

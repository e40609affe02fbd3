package dev.orchard.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real Orchard worker in its own JVM, started from the test classpath, so tests can kill it with
 * SIGKILL (kill -9) and run several against one job repository.
 */
public final class WorkerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final int port;

    private WorkerProcess(String name, Process process, Path log, int port) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a worker with {@code --key=value} arguments; its output goes to {@code <logDir>/<name>.log}. */
    public static WorkerProcess start(String name, Path logDir, Map<String, String> arguments) throws IOException {
        return start(name, logDir, List.of(), arguments);
    }

    /**
     * As {@link #start(String, Path, Map)}, with {@code jvmOptions} after the defaults (so {@code
     * -Xmx} there wins) and before {@code -Dworker.jvm-args}.
     */
    public static WorkerProcess start(String name, Path logDir, List<String> jvmOptions, Map<String, String> arguments)
            throws IOException {
        return start(name, logDir, jvmOptions, arguments, null, Map.of());
    }

    /**
     * As {@link #start(String, Path, List, Map)}, run in {@code workingDirectory} (null: this one)
     * with {@code environment} added; given a {@code PORT} there, the worker is left to take its
     * port from it instead of {@code --server.port}.
     */
    public static WorkerProcess start(
            String name,
            Path logDir,
            List<String> jvmOptions,
            Map<String, String> arguments,
            Path workingDirectory,
            Map<String, String> environment)
            throws IOException {
        return launch(
                name, logDir, currentJava(), jvmOptions, fromClassPath(), arguments, workingDirectory, environment);
    }

    /** The {@code java} binary running this JVM. */
    public static String currentJava() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** What {@link #launch} runs for a worker from the running class path: {@code -cp <path> <main class>}. */
    public static List<String> fromClassPath() {
        return List.of("-cp", classPath(), "dev.orchard.OrchardApplication");
    }

    /**
     * As {@link #start(String, Path, List, Map, Path, Map)} with the {@code java} binary given and
     * what it runs given as {@code main}: {@code -cp <path> <class>} or {@code -jar <jar>} (a packaged
     * worker, for example with the AOT cache of an image build in {@code jvmOptions}).
     */
    public static WorkerProcess launch(
            String name,
            Path logDir,
            String java,
            List<String> jvmOptions,
            List<String> main,
            Map<String, String> arguments,
            Path workingDirectory,
            Map<String, String> environment)
            throws IOException {
        boolean portFromEnvironment = environment.containsKey("PORT");
        int port = portFromEnvironment ? Integer.parseInt(environment.get("PORT")) : freePort();
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx1g",
                "-XX:G1HeapRegionSize=4m")); // as the image and spring-boot:run: big decoded images are not humongous
        command.addAll(jvmOptions);
        int defaults = command.size();
        command.addAll(main);
        if (!portFromEnvironment) {
            command.add("--server.port=" + port);
        }
        String jvmArgs = System.getProperty("worker.jvm-args", "");
        if (!jvmArgs.isBlank()) {
            command.addAll(
                    defaults, List.of(jvmArgs.strip().split("\\s+"))); // after the defaults, so they can override them
        }
        arguments.forEach((key, value) -> command.add("--" + key + "=" + value));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        if (workingDirectory != null) {
            builder.directory(workingDirectory.toFile());
        }
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new WorkerProcess(name, process, log, port);
    }

    public long pid() {
        return process.pid();
    }

    public int port() {
        return port;
    }

    /** The running classpath: the test JVM's, or under {@code exec:java} the project's class loader. */
    public static String classPath() {
        if (Thread.currentThread().getContextClassLoader() instanceof java.net.URLClassLoader loader) {
            List<String> entries = new ArrayList<>();
            for (java.net.URL url : loader.getURLs()) {
                try {
                    entries.add(Path.of(url.toURI()).toString());
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalStateException(e);
                }
            }
            if (!entries.isEmpty()) {
                return String.join(java.io.File.pathSeparator, entries);
            }
        }
        return System.getProperty("java.class.path");
    }

    /** Waits until readiness is UP (the champion is loaded); fails with the log's tail if the worker died. */
    public WorkerProcess awaitReady(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> readiness = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (readiness.statusCode() == 200) {
                    return this;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException(name + " not ready after " + timeout + ":\n" + tail());
    }

    /** GETs {@code path} (for example {@code /jobs/nightly-1}) from this worker. */
    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** GETs {@code path} from this worker with {@code token} as bearer (the admin routes). */
    public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + token)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** POSTs the JSON {@code body} to {@code path} on this worker with {@code token} as bearer. */
    public HttpResponse<String> postJson(String path, String token, String body)
            throws IOException, InterruptedException {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .header("Authorization", "Bearer " + token)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** The most resident memory the process has had (Linux {@code VmHWM}), in bytes. */
    public long peakResidentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmHWM in /proc/" + process.pid() + "/status");
    }

    /** SIGKILL: no shutdown hook, no flush, no ack. */
    public void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }

    static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

package dev.orchard;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The training run of the JVM's ahead-of-time cache (image build, {@code StartupBenchmark}): starts
 * the worker like a real start, waits until it is ready (the sample model trained and loaded as the
 * champion), sends the requests a fresh instance answers first — readiness, the model's status, one
 * {@code :classify} of a bundled sample image — then stops it and exits 0. Run with {@code
 * -XX:AOTCacheOutput=FILE} (Java 25) or {@code -XX:ArchiveClassesAtExit=FILE} (Java 17) and the same
 * class path as the later starts; arguments are the worker's ({@code --orchard.storage.local.root=DIR}).
 *
 * <p>Compared with a run that exits after the context refresh, the cache then also holds the classes
 * and profiles of model loading, the readiness check and the request path, which every start and its
 * first request use. Any failure (not ready in time, a request answered with an error) exits 1 with
 * the reason, so an image is never built with a cache of a broken start.
 */
public final class AotTrainingRun {

    /** How long the first start (it trains the sample model) may take to become ready. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

    private static final String SAMPLE_IMAGES = "classpath*:sample-dataset/fashion-mnist/*/*.png";

    private AotTrainingRun() {}

    public static void main(String[] args) {
        dev.orchard.system.CompilerPriority.lowerInBackground(); // as OrchardApplication.main: its classes in the cache
        try {
            String summary = run(args, READY_TIMEOUT);
            System.out.println("AOT training run: " + summary);
            System.exit(0);
        } catch (Exception e) {
            System.err.println("AOT training run failed: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Starts the worker with {@code args}, exercises it, stops it.
     *
     * @return what was checked, for the build log
     * @throws IllegalStateException when the worker is not ready within {@code readyTimeout} or a
     *     request is answered with an error status
     */
    public static String run(String[] args, Duration readyTimeout) throws Exception {
        SpringApplication application = new SpringApplication(OrchardApplication.class);
        // the main class names Spring AOT's initializer (OrchardApplication__ApplicationContextInitializer)
        application.setMainApplicationClass(OrchardApplication.class);
        ConfigurableApplicationContext context = application.run(args);
        try {
            org.springframework.boot.web.server.WebServer server =
                    ((WebServerApplicationContext) context).getWebServer();
            if (server == null) {
                throw new IllegalStateException("the worker started without a web server");
            }
            int port = server.getPort();
            String base = "http://127.0.0.1:" + port;
            String model = context.getEnvironment().getProperty("orchard.bootstrap.model", "fashion");
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            long readyAfter = awaitReady(http, base, readyTimeout);
            expectOk(http, HttpRequest.newBuilder(URI.create(base + "/v1/models/" + model)));
            String answer = expectOk(http, classifyRequest(base, model, sampleImage()));
            return "ready after " + readyAfter + " ms; " + model + ":classify answered " + answer;
        } finally {
            SpringApplication.exit(context);
        }
    }

    private static long awaitReady(HttpClient http, String base, Duration timeout) throws Exception {
        long started = System.nanoTime();
        HttpRequest readiness = HttpRequest.newBuilder(URI.create(base + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(5))
                .build();
        String last = "no answer";
        while (System.nanoTime() - started < timeout.toNanos()) {
            HttpResponse<String> response = http.send(readiness, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 200) {
                return Duration.ofNanos(System.nanoTime() - started).toMillis();
            }
            last = response.statusCode() + " " + response.body();
            Thread.sleep(200);
        }
        throw new IllegalStateException("the worker was not ready within " + timeout + "; readiness said: " + last);
    }

    private static String expectOk(HttpClient http, HttpRequest.Builder request) throws Exception {
        HttpRequest sent = request.timeout(Duration.ofSeconds(30)).build();
        HttpResponse<String> response = http.send(sent, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    sent.method() + " " + sent.uri() + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /**
     * {@code POST {base}/v1/models/{model}:classify} with {@code png} as its one {@code image} part:
     * the first request the training run sends, and the one tests and benchmarks send ({@code
     * StartupBenchmark} times it as a fresh worker's first answer).
     */
    public static HttpRequest.Builder classifyRequest(String base, String model, byte[] png) {
        String boundary = "orchard-aot-training";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"image\"; filename=\"sample.png\"\r\n"
                        + "Content-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(png);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return HttpRequest.newBuilder(URI.create(base + "/v1/models/" + model + ":classify"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()));
    }

    /** The first bundled sample image (by name), a PNG every sample model can classify. */
    public static byte[] sampleImage() throws IOException {
        Resource[] images = new PathMatchingResourcePatternResolver().getResources(SAMPLE_IMAGES);
        Resource first = Arrays.stream(images)
                .min(Comparator.comparing(Resource::getDescription))
                .orElseThrow(
                        () -> new IllegalStateException("no sample image on the class path (" + SAMPLE_IMAGES + ")"));
        try (InputStream in = first.getInputStream()) {
            return in.readAllBytes();
        }
    }
}

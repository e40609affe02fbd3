package dev.orchard;

import static dev.orchard.storage.WritePrecondition.none;

import dev.orchard.model.ModelInput;
import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.registry.ModelDraft;
import dev.orchard.registry.ModelLoader;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelReference;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.StorageProperties;
import dev.orchard.training.TensorFlowCnnTrainer;
import dev.orchard.training.TrainedModel;
import dev.orchard.training.TrainingProgress;
import dev.orchard.training.TrainingSet;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The training run of the JVM's ahead-of-time cache (image build, {@code StartupBenchmark}): starts
 * the worker like a real start, waits until it is ready (the sample model trained and loaded as the
 * champion), sends the requests a fresh instance answers first — readiness, the model's status, one
 * {@code :classify} of a bundled sample image — then makes a small TensorFlow SavedModel the
 * champion of a second model and classifies the same image with it (a worker whose champion is a
 * SavedModel loads TensorFlow at every start: its serving classes belong in the cache), scores a
 * prefix of sample images and colour photos with it as a user's first prefix job would, then stops
 * it and exits 0.
 * Run with {@code -XX:AOTCacheOutput=FILE} (Java 25) or {@code -XX:ArchiveClassesAtExit=FILE} (Java
 * 17) and the same class path as the later starts; arguments are the worker's ({@code
 * --orchard.storage.local.root=DIR}).
 *
 * <p>Compared with a run that exits after the context refresh, the cache then also holds the classes
 * and profiles of model loading, the readiness check, the request path and the prefix job's path,
 * which every start, its first request and its first job use. Any failure (not ready in time, a
 * request answered with an error, a job that fails) exits 1 with the reason, so an image is never
 * built with a cache of a broken start.
 */
public final class AotTrainingRun {

    /** How long the first start (it trains the sample model) may take to become ready. */
    static final Duration READY_TIMEOUT = Duration.ofMinutes(10);

    private static final String SAMPLE_IMAGES = "classpath*:sample-dataset/fashion-mnist/*/*.png";

    /** The second model of the run: a small SavedModel, so TensorFlow's serving path is in the cache too. */
    static final String SAVED_MODEL = "aot-training-savedmodel";

    /** How long the child JVM that trains the SavedModel may take. */
    private static final Duration EXPORT_TIMEOUT = Duration.ofMinutes(5);

    /**
     * Images the run's prefix job scores (a quarter sample PNGs, a quarter the same as JPEGs, half
     * colour photos): a few chunks on every partition thread.
     */
    static final int JOB_IMAGES = 1024;

    /** Where the run's prefix job finds them, in the data bucket. */
    static final String JOB_PREFIX = "aot-training/images/";

    /** How long the run's prefix job may take. */
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

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
            byte[] sample = sampleImage();
            String answer = expectOk(http, classifyRequest(base, model, sample));
            registerSavedModel(context.getBean(ModelRegistry.class));
            String savedModelAnswer = expectOk(http, classifyRequest(base, SAVED_MODEL, sample));
            String job = scorePrefix(context, JOB_TIMEOUT);
            return "ready after " + readyAfter + " ms; " + model + ":classify answered " + answer + "; " + SAVED_MODEL
                    + " (a TensorFlow SavedModel):classify answered " + savedModelAnswer + "; " + job;
        } finally {
            SpringApplication.exit(context);
        }
    }

    /**
     * Runs a prefix job like a user's first one: {@link #JOB_IMAGES} images — sample images as PNG and
     * as JPEG, and colour photos — stored under {@link #JOB_PREFIX} in the data bucket and scored by
     * {@link #SAVED_MODEL}, which takes RGB as most users' models do
     * (planning, partitions, read-ahead decoding, batched inference, shards, summary), so the job
     * path's classes and profiles are in the cache too — a fresh worker's first job runs on them.
     *
     * @return what the job did, for the build log
     * @throws IllegalStateException when the job fails, scores fewer images or takes longer than {@code timeout}
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "PREDICTABLE_RANDOM",
            justification = "a seeded generator draws the training run's stand-in photos; nothing secret depends on it")
    static String scorePrefix(ConfigurableApplicationContext context, Duration timeout) throws Exception {
        String bucket = context.getBean(StorageProperties.class).bucket();
        BlobStore store = context.getBean(BlobStore.class);
        List<byte[]> images = sampleImages(JOB_IMAGES / 4);
        for (int i = 0; i < images.size(); i++) {
            store.put(bucket, String.format(Locale.ROOT, "%simage-%03d.png", JOB_PREFIX, i), images.get(i), none());
            store.put(
                    bucket, String.format(Locale.ROOT, "%simage-%03d.jpg", JOB_PREFIX, i), jpeg(images.get(i)), none());
        }
        Random random = new Random(42);
        for (int i = 0; i < JOB_IMAGES / 2; i++) {
            store.put(bucket, String.format(Locale.ROOT, "%sphoto-%03d.jpg", JOB_PREFIX, i), photo(random), none());
        }
        PrefixJobs jobs = context.getBean(PrefixJobs.class);
        PrefixJobs.Submission submitted = jobs.submit(new PrefixJobs.Request(
                bucket, JOB_PREFIX, new ModelReference(SAVED_MODEL, null), "aot-training-" + System.nanoTime(), null));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            PrefixJobs.JobStatus status = jobs.status(submitted.id()).orElse(null);
            if (status != null && status.complete()) {
                if (status.predictions() != JOB_IMAGES) {
                    throw new IllegalStateException("the training run's prefix job scored " + status.predictions()
                            + " of " + JOB_IMAGES + " images (" + status.errors() + " errors)");
                }
                return "prefix job " + status.id() + " scored " + status.predictions() + " images";
            }
            if (status != null && (status.failure() != null || "FAILED".equals(status.status()))) {
                throw new IllegalStateException("the training run's prefix job failed: " + status.failure());
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the training run's prefix job did not complete within " + timeout);
    }

    /**
     * A 256×256 colour JPEG standing in for a user's photo (noise over a gradient, and a disc): the
     * colour decoding, scaling and RGB paths that the grey samples never take.
     */
    private static byte[] photo(Random random) throws IOException {
        BufferedImage image = new BufferedImage(256, 256, BufferedImage.TYPE_INT_RGB);
        int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        int base = random.nextInt(0xFFFFFF);
        for (int y = 0; y < 256; y++) {
            for (int x = 0; x < 256; x++) {
                int noise = random.nextInt(32);
                int r = (((base >> 16) & 0xFF) + x / 2 + noise) & 0xFF;
                int g = (((base >> 8) & 0xFF) + y / 2 + noise) & 0xFF;
                int b = ((base & 0xFF) + (x + y) / 4) & 0xFF;
                pixels[y * 256 + x] = (r << 16) | (g << 8) | b;
            }
        }
        Graphics2D graphics = image.createGraphics();
        graphics.setColor(new Color(random.nextInt(0xFFFFFF)));
        graphics.fillOval(random.nextInt(128), random.nextInt(128), 64 + random.nextInt(64), 64 + random.nextInt(64));
        graphics.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpeg", out);
        return out.toByteArray();
    }

    /** {@code png} re-encoded as a JPEG, so the job decodes both formats. */
    private static byte[] jpeg(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (image == null || !ImageIO.write(image, "jpeg", out)) {
            throw new IllegalStateException("could not re-encode a sample image as JPEG");
        }
        return out.toByteArray();
    }

    /**
     * Makes a small TensorFlow SavedModel the champion of {@link #SAVED_MODEL}, so the run's next
     * request loads TensorFlow's runtime, the SavedModel and its first run as a worker with such a
     * champion does at every start. The model is trained by {@link TensorFlowCnnTrainer} in a child
     * JVM ({@link SavedModelExport}): the trainer's classes are not what a start needs, so they stay
     * out of this JVM's cache.
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "COMMAND_INJECTION",
            justification =
                    "the command is this JVM's own java binary, its own -D options and class path, a class name and a directory it just created: nothing from a request or a file")
    private static void registerSavedModel(ModelRegistry registry) throws IOException, InterruptedException {
        Path export = Files.createTempDirectory("orchard-aot-savedmodel-");
        try {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString()));
            // the same system properties (where TensorFlow's natives are), not the cache-writing options
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                    .filter(argument -> argument.startsWith("-D"))
                    .forEach(command::add);
            command.addAll(List.of(
                    "-cp", System.getProperty("java.class.path"), SavedModelExport.class.getName(), export.toString()));
            Process child = new ProcessBuilder(command).inheritIO().start();
            if (!child.waitFor(EXPORT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                child.destroyForcibly();
                throw new IllegalStateException("training the SavedModel took longer than " + EXPORT_TIMEOUT);
            }
            if (child.exitValue() != 0) {
                throw new IllegalStateException("training the SavedModel failed (exit " + child.exitValue() + ")");
            }
            Map<String, byte[]> artifacts = new TreeMap<>();
            try (Stream<Path> files = Files.walk(export)) {
                for (Path file : files.filter(Files::isRegularFile).toList()) {
                    artifacts.put(export.relativize(file).toString().replace('\\', '/'), Files.readAllBytes(file));
                }
            }
            ModelManifest version = registry.register(
                    new ModelDraft(
                            SAVED_MODEL,
                            ModelManifest.Kind.TENSORFLOW,
                            SavedModelExport.INPUT,
                            ModelManifest.Output.PROBABILITIES,
                            SavedModelExport.LABELS,
                            null,
                            null,
                            null,
                            null,
                            artifacts),
                    "aot-training");
            registry.promote(SAVED_MODEL, version.version(), Optional.empty(), "aot-training", "AOT training run");
        } finally {
            ModelLoader.deleteRecursively(export);
        }
    }

    /**
     * Trains a small SavedModel with {@link TensorFlowCnnTrainer} (one epoch on dark and bright
     * images) and writes its artifacts, as the registry stores them ({@code model/...}), under the
     * directory given as the only argument.
     */
    public static final class SavedModelExport {

        static final ModelInput INPUT = new ModelInput(32, 32, 3, ModelInput.Scaling.UNIT);
        static final List<String> LABELS = List.of("dark", "bright");

        private SavedModelExport() {}

        public static void main(String[] args) throws Exception {
            Path directory = Path.of(args[0]);
            List<float[]> features = new ArrayList<>();
            int[] targets = new int[16];
            for (int i = 0; i < targets.length; i++) {
                targets[i] = i % 2;
                float[] image = new float[INPUT.size()];
                Arrays.fill(image, targets[i]);
                features.add(image);
            }
            TrainedModel model = new TensorFlowCnnTrainer()
                    .train(
                            new TrainingSet(LABELS, INPUT, features, targets),
                            Map.of("epochs", 1, "filters", 4, "batchSize", 8, "imageSize", 32, "channels", 3),
                            TrainingProgress.NONE);
            model.classifier().close();
            for (Map.Entry<String, byte[]> artifact : model.artifacts().entrySet()) {
                ModelLoader.writeUnder(directory, artifact.getKey(), artifact.getValue());
            }
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
        return HttpRequest.newBuilder(URI.create(base + "/v1/models/" + model + ":classify"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(imagePart(boundary, "image/png", png)));
    }

    /**
     * A {@code multipart/form-data} body of one part {@code image} holding {@code image} of media
     * type {@code type}, as {@code curl -F image=@file} sends it.
     */
    public static byte[] imagePart(String boundary, String type, byte[] image) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + boundary + "\r\n"
                        + "Content-Disposition: form-data; name=\"image\"; filename=\"image\"\r\n"
                        + "Content-Type: " + type + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(image);
        body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return body.toByteArray();
    }

    /** The first bundled sample image (by name), a PNG every sample model can classify. */
    public static byte[] sampleImage() throws IOException {
        return sampleImages(1).get(0);
    }

    /** The first {@code count} bundled sample images (by name), PNGs. */
    private static List<byte[]> sampleImages(int count) throws IOException {
        List<Resource> images = Arrays.stream(new PathMatchingResourcePatternResolver().getResources(SAMPLE_IMAGES))
                .sorted(Comparator.comparing(Resource::getDescription))
                .limit(count)
                .toList();
        if (images.isEmpty()) {
            throw new IllegalStateException("no sample image on the class path (" + SAMPLE_IMAGES + ")");
        }
        List<byte[]> contents = new ArrayList<>();
        for (Resource image : images) {
            try (InputStream in = image.getInputStream()) {
                contents.add(in.readAllBytes());
            }
        }
        return contents;
    }
}

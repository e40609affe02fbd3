package dev.orchard.bench;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.model.ModelInput;
import dev.orchard.model.TestImages;
import dev.orchard.system.WorkerProcess;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.springframework.util.unit.DataSize;

/**
 * JPEG decoding by JDK build: the same JPEGs decoded through Orchard's {@link ImageDecoder} in a
 * child JVM per {@code java} binary, one thread, so the figures are the decoder's alone. The JDK's
 * JPEG reader decodes with the libjpeg its {@code libjavajpeg} was built against: distribution
 * builds (Debian's, Ubuntu's OpenJDK) link the system's libjpeg-turbo, others (Eclipse Temurin,
 * the image's base) carry the reference libjpeg inside. Each child says which one it mapped
 * ({@code /proc/self/maps}). The first JVM — this one's {@code java} — is the baseline; {@code
 * -Dbenchmark.javas=/path/to/java,...} adds others.
 *
 * <p>Two kinds: 500 distinct 256×256 photos (a prefix job's) for a 64×64×3 model, and one
 * 4032×3024 phone JPEG lying on its side (EXIF 6, as phones write them) for a 224×224×3 model.
 * Each child decodes the photos 10,000 times and the phone photo 20 times to warm up (the JIT),
 * then {@value #ROUNDS} times, and reports the median time per image and its peak RSS.
 */
public final class JpegDecodeBenchmark {

    static final int ROUNDS = 5;
    private static final String CHILD = "--decode-in-this-jvm";
    /** The prefix benchmark's small model: a 256×256 photo is decoded subsampled, so the decode dominates. */
    static final ModelInput SMALL = new ModelInput(64, 64, 3, ModelInput.Scaling.UNIT);
    /** A common model size for phone photos. */
    static final ModelInput LARGE = new ModelInput(224, 224, 3, ModelInput.Scaling.UNIT);

    private JpegDecodeBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals(CHILD)) {
            decodeAll(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        Path dir = Files.createTempDirectory("orchard-jpeg-bench-");
        Path photos = Files.createDirectories(dir.resolve("photos"));
        Random random = new Random(42);
        for (int i = 0; i < 500; i++) {
            Files.write(
                    photos.resolve(String.format(Locale.ROOT, "photo-%03d.jpg", i)), PrefixJobBenchmark.photo(random));
        }
        Path phone = Files.createDirectories(dir.resolve("phone"));
        Files.write(
                phone.resolve("phone.jpg"),
                TestImages.withOrientation(TestImages.encoded("jpg", 4032, 3024, BufferedImage.TYPE_INT_RGB), 6));

        List<String> javas = new ArrayList<>();
        javas.add(WorkerProcess.currentJava());
        for (String java : System.getProperty("benchmark.javas", "").split(",")) {
            if (!java.isBlank()) {
                javas.add(java.strip());
            }
        }
        List<Map<String, String>> results = new ArrayList<>();
        for (String java : javas) {
            results.add(child(java, photos, phone));
        }

        System.out.printf(Locale.ROOT, "%n=== JPEG decode through ImageDecoder, 1 thread ===%n");
        System.out.printf(
                Locale.ROOT,
                "%-46s %-40s %14s %7s %16s %7s %8s%n",
                "java",
                "libjpeg",
                "256x256->64 ms",
                "ratio",
                "12 MP->224 ms",
                "ratio",
                "RSS MB");
        Map<String, String> base = results.get(0);
        for (int i = 0; i < results.size(); i++) {
            Map<String, String> r = results.get(i);
            System.out.printf(
                    Locale.ROOT,
                    "%-46s %-40s %14.3f %7.2f %16.1f %7.2f %8s%n",
                    r.get("java"),
                    r.get("libjpeg"),
                    Double.parseDouble(r.get("photos")),
                    Double.parseDouble(r.get("photos")) / Double.parseDouble(base.get("photos")),
                    Double.parseDouble(r.get("phone")),
                    Double.parseDouble(r.get("phone")) / Double.parseDouble(base.get("phone")),
                    r.get("rss"));
        }
        System.out.println(
                "ratio = ms per image / the first JVM's (this benchmark's own java), same run; median of " + ROUNDS
                        + " rounds after 10,000 (photos) and 20 (phone) warm-up decodes; RSS = the child JVM's peak resident set");
    }

    /** Runs {@link #decodeAll} in a fresh JVM of {@code java}; its {@code key value} lines. */
    private static Map<String, String> child(String java, Path photos, Path phone)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(
                        java,
                        "-Xmx1g",
                        "-cp",
                        WorkerProcess.classPath(),
                        JpegDecodeBenchmark.class.getName(),
                        CHILD,
                        photos.toString(),
                        phone.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.MINUTES) || process.exitValue() != 0) {
            throw new IllegalStateException(java + " failed:\n" + out);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : out.lines().toList()) {
            int space = line.indexOf(' ');
            if (line.startsWith("result.") && space > 0) {
                values.put(line.substring("result.".length(), space), line.substring(space + 1));
            }
        }
        if (!values.keySet().containsAll(List.of("java", "libjpeg", "photos", "phone", "rss"))) {
            throw new IllegalStateException(java + " printed no results:\n" + out);
        }
        return values;
    }

    /**
     * In the child JVM: decodes every JPEG of each directory, prints the median ms per image of each
     * set, the JVM and the libjpeg it mapped.
     */
    static void decodeAll(Path photos, Path phone) throws IOException {
        ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(20), 50_000_000));
        System.out.println("result.photos " + medianMillisPerImage(decoder, read(photos), SMALL, 10_000));
        System.out.println("result.phone " + medianMillisPerImage(decoder, read(phone), LARGE, 20));
        System.out.println("result.java " + Runtime.version() + " "
                + System.getProperty("java.vendor", "?").replace(' ', '_'));
        System.out.println("result.libjpeg " + mappedLibjpeg());
        System.out.println("result.rss " + PeakRss.ofThisProcessKb() / 1024);
    }

    private static List<byte[]> read(Path dir) throws IOException {
        List<byte[]> images = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                images.add(Files.readAllBytes(file));
            }
        }
        return images;
    }

    private static double medianMillisPerImage(
            ImageDecoder decoder, List<byte[]> images, ModelInput input, int warmUpDecodes) {
        double[] rounds = new double[ROUNDS];
        long samples = 0;
        int warmUp = Math.max(2, (warmUpDecodes + images.size() - 1) / images.size());
        for (int round = -warmUp; round < ROUNDS; round++) {
            long start = System.nanoTime();
            for (byte[] image : images) {
                samples += decoder.decodePixels(image, input).length;
            }
            if (round >= 0) {
                rounds[round] = (System.nanoTime() - start) / 1e6 / images.size();
            }
        }
        if (samples != (long) (ROUNDS + warmUp) * images.size() * input.size()) {
            throw new IllegalStateException("decoded " + samples + " samples");
        }
        Arrays.sort(rounds);
        return rounds[ROUNDS / 2];
    }

    /** The system libjpeg this JVM mapped, or that its JPEG reader carries its own. */
    private static String mappedLibjpeg() throws IOException {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.exists(maps)) {
            return "unknown (no /proc)";
        }
        for (String line : Files.readAllLines(maps)) {
            if (line.contains("/libjpeg.so") || line.contains("/libturbojpeg.so")) {
                return line.substring(line.indexOf('/'));
            }
        }
        return "inside libjavajpeg (no system libjpeg mapped)";
    }
}

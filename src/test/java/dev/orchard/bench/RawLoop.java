package dev.orchard.bench;

import dev.orchard.bench.PrefixJobBenchmark.Rate;
import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.model.ModelInput;
import dev.orchard.model.TensorFlowClassifier;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.StoredObject;
import dev.orchard.system.WorkerProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.springframework.util.unit.DataSize;

/**
 * {@link PrefixJobBenchmark}'s baseline: read + decode + batched inference in a tight loop, the work
 * a prefix job cannot avoid, in a JVM of its own started with the same {@code java} binary as the
 * worker, so a worker on another JDK build (another libjpeg, another JIT) is compared with what that
 * build does on this machine. The child stays up between rounds and warms up as the worker does; one
 * line on its standard input runs the loop once ({@code 1} or {@code 2} threads) or until it is warm
 * ({@code warm <most passes>}), one line on its standard output answers with images/s and its
 * process CPU per image.
 */
final class RawLoop implements AutoCloseable {

    private final Process process;
    private final BufferedReader answers;
    private final Writer commands;
    private final Path log;

    private RawLoop(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    }

    /** Starts the child on {@code java} over the images under {@code root}, scored by the SavedModel at {@code export}. */
    static RawLoop start(String java, Path root, Path export, int size, Path log) throws IOException {
        List<String> command = List.of(
                java,
                "-Xmx1g",
                "-XX:G1HeapRegionSize=4m",
                "-cp",
                WorkerProcess.classPath(),
                RawLoop.class.getName(),
                root.toString(),
                export.toString(),
                Integer.toString(size));
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        RawLoop loop = new RawLoop(process, log);
        loop.expect("ready");
        return loop;
    }

    /** Runs the loop once over all the images on {@code threads} threads, each on its share. */
    Rate run(int threads) throws IOException {
        return ask(Integer.toString(threads));
    }

    /**
     * Runs the 2-thread loop over all the images until two passes in a row are within 3% of each
     * other, at most {@code maxPasses} times: the JIT's warm-up, so "the warm raw loop" is warm
     * whatever the number of images. Returns the last pass.
     */
    Rate warm(int maxPasses) throws IOException {
        return ask("warm " + maxPasses);
    }

    private Rate ask(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
        String[] answer = expect("rate").split(" ");
        return new Rate(Double.parseDouble(answer[1]), Double.parseDouble(answer[2]));
    }

    private String expect(String prefix) throws IOException {
        // anything else it prints (a library's log line) is passed over
        for (String line = answers.readLine(); line != null; line = answers.readLine()) {
            if (line.startsWith(prefix + " ") || line.equals(prefix)) {
                return line;
            }
        }
        throw new IllegalStateException("the raw loop's JVM exited; see " + log);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** The child: {@code <storage root> <SavedModel export> <input size>}. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int size = Integer.parseInt(args[2]);
        ModelInput input = new ModelInput(size, size, 3, ModelInput.Scaling.UNIT);
        LocalBlobStore store = new LocalBlobStore(root, Clock.systemUTC());
        List<StoredObject> listed = store.list("local", "batches/bench/");
        ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(20), 50_000_000));
        PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (TensorFlowClassifier classifier =
                TensorFlowClassifier.load(Path.of(args[1]), input, BenchModels.LABELS, false)) {
            Loop loop = new Loop(store, decoder, classifier, input);
            loop.over(listed.subList(0, Math.min(listed.size(), 4 * PrefixJobBenchmark.BATCH))); // warm-up
            out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                Rate rate;
                if (line.startsWith("warm ")) {
                    int maxPasses =
                            Integer.parseInt(line.substring("warm ".length()).strip());
                    Rate previous = pass(pool, loop, listed, 2);
                    rate = pass(pool, loop, listed, 2);
                    for (int passes = 2;
                            passes < maxPasses
                                    && Math.abs(rate.imagesPerSecond() - previous.imagesPerSecond())
                                            > 0.03 * previous.imagesPerSecond();
                            passes++) {
                        previous = rate;
                        rate = pass(pool, loop, listed, 2);
                    }
                } else {
                    rate = pass(pool, loop, listed, Integer.parseInt(line.strip()));
                }
                out.printf(Locale.ROOT, "rate %.3f %.4f%n", rate.imagesPerSecond(), rate.cpuMsPerImage());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** One pass over {@code listed} on {@code threads} threads, each on its share. */
    private static Rate pass(ExecutorService pool, Loop loop, List<StoredObject> listed, int threads) throws Exception {
        long cpu0 = PrefixJobBenchmark.cpuMillis(ProcessHandle.current().pid());
        long t0 = System.nanoTime();
        List<Future<?>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            List<StoredObject> share = listed.subList(t * listed.size() / threads, (t + 1) * listed.size() / threads);
            parts.add(pool.submit(() -> loop.over(share)));
        }
        for (Future<?> part : parts) {
            part.get();
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        long cpu = PrefixJobBenchmark.cpuMillis(ProcessHandle.current().pid()) - cpu0;
        return new Rate(listed.size() / seconds, cpu / (double) listed.size());
    }

    /** Read + decode + batched inference over objects in chunks of the job's inference batch, on the calling thread. */
    private record Loop(LocalBlobStore store, ImageDecoder decoder, TensorFlowClassifier classifier, ModelInput input) {

        void over(List<StoredObject> objects) {
            int batchSize = PrefixJobBenchmark.BATCH;
            for (int from = 0; from < objects.size(); from += batchSize) {
                List<StoredObject> chunk = objects.subList(from, Math.min(objects.size(), from + batchSize));
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
        }
    }
}

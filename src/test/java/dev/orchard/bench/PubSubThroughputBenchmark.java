package dev.orchard.bench;

import com.google.cloud.spring.pubsub.core.PubSubTemplate;
import dev.orchard.OrchardApplication;
import dev.orchard.dispatch.JobDispatcher;
import dev.orchard.dispatch.JobRequest;
import dev.orchard.model.Classifier;
import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.LoadedModel;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.system.CompilerPriority;
import dev.orchard.system.Outcome;
import dev.orchard.training.SampleDataset;
import dev.orchard.trigger.PubSubEmulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * End-to-end throughput and latency of the Pub/Sub upload path on this machine, against baselines
 * measured in the same run. Not a test: it prints figures.
 *
 * <ul>
 *   <li><b>raw</b>: decode + batched inference (64 per call) of the same images in a tight loop, on
 *       as many threads as the worker has job threads (median of 9 rounds), measured first and again
 *       last, the higher of the two taken (C2 at nice 19 may not have compiled the loop yet at the
 *       start);
 *   <li><b>store alone</b>: the local store reads each of the same uploads and writes a
 *       result-sized object create-only (what a worker does per upload besides decoding and
 *       inference), on as many threads (median of 3 rounds; first and last, the higher); with
 *       raw it gives the <b>limit</b> on this machine's cores, both in series: {@code 1 / (1/raw +
 *       1/store)};
 *   <li><b>Pub/Sub alone</b>: the same number of notifications published at once and acked on
 *       arrival by a subscriber with the worker's settings, no work — the emulator's and the
 *       client's own ceiling on this machine;
 *   <li><b>burst</b>: every notification published at once; results/s from the first publish to the
 *       last result, and notification → result latency. Several rounds (fresh uploads each), the
 *       last reported: a worker runs warm;
 *   <li><b>open loop</b>: notifications published at a fixed rate of half the burst rate, and the
 *       latency each one sees;
 *   <li><b>worker alone</b>: the same uploads handed to the worker's dispatcher in-process (what
 *       the Pub/Sub trigger does with a parsed notification), without the emulator.
 * </ul>
 *
 * <p>Beside each run, the JIT compiler threads' CPU during it per second (in cores): on two cores,
 * what the compilers take is not left for the job threads. As in a deployed worker
 * ({@code OrchardApplication.main}), the C2 compiler threads run at nice 19 ({@link
 * CompilerPriority}); {@code -Dorchard.jit.background=false} leaves them at normal priority.
 *
 * <pre>
 * source .ci/services.sh &amp;&amp; start_pubsub_emulator [&amp;&amp; start_postgres]
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.PubSubThroughputBenchmark \
 *     [-Dbenchmark.uploads=2000] [-Dbenchmark.rounds=3] [-Dbenchmark.replicas=2 -Dbenchmark.postgres=jdbc:postgresql://localhost:5432/postgres]
 *     [-Dbenchmark.store-round-trip=20ms [-Dbenchmark.io-threads=16]]
 * </pre>
 */
public final class PubSubThroughputBenchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void main(String[] args) throws Exception {
        // as OrchardApplication.main does for a deployed worker (the workers here start without it)
        java.util.Optional<Thread> renice = CompilerPriority.lowerInBackground();
        if (renice.isPresent()) {
            renice.get().join();
        }
        int uploads = Integer.getInteger("benchmark.uploads", 2000);
        int rounds = Integer.getInteger("benchmark.rounds", 3);
        int replicas = Integer.getInteger("benchmark.replicas", 1);
        String postgres = System.getProperty("benchmark.postgres");
        Path data = Files.createTempDirectory("orchard-bench-");
        String database = postgres == null ? null : createDatabase(postgres);
        try (PubSubEmulator emulator = new PubSubEmulator()) {
            String deadLetter = emulator.topic("bench-dead-letter");
            String topic = emulator.topic("bench-uploads");
            String subscription = emulator.subscription("bench-uploads", topic, deadLetter, 10);
            String echoTopic = emulator.topic("bench-echo");
            String echo = emulator.subscription("bench-echo", echoTopic, deadLetter, 10);
            List<ConfigurableApplicationContext> workers = new ArrayList<>();
            try {
                for (int r = 0; r < replicas; r++) {
                    List<String> settings = new ArrayList<>(List.of(
                            "--server.port=0",
                            "--orchard.storage.local.root=" + data,
                            "--orchard.registry.work-dir=" + data.resolve("work-" + r),
                            "--orchard.jobs.worker-id=bench-" + r,
                            "--orchard.trigger.local.enabled=false",
                            "--orchard.pubsub.enabled=true",
                            "--orchard.pubsub.notification-subscription=" + subscription,
                            "--orchard.pubsub.command-subscription=",
                            "--orchard.pubsub.dead-letter-topic=" + deadLetter,
                            "--spring.cloud.gcp.pubsub.emulator-host=" + emulator.host(),
                            "--spring.cloud.gcp.project-id=" + PubSubEmulator.PROJECT));
                    if (!System.getProperty("benchmark.store-round-trip", "").isBlank()) {
                        // as on Cloud Storage, unless benchmark.io-threads says otherwise (0: one call after another)
                        settings.add("--orchard.jobs.io-threads=" + System.getProperty("benchmark.io-threads", "16"));
                    }
                    if (database != null) {
                        settings.add("--spring.datasource.url=" + database);
                        settings.add("--spring.datasource.username=orchard");
                        settings.add("--spring.datasource.password=orchard");
                    }
                    workers.add(new SpringApplicationBuilder(OrchardApplication.class)
                            .initializers(PubSubThroughputBenchmark::distantStore)
                            .run(settings.toArray(String[]::new)));
                }
                new PubSubThroughputBenchmark(workers, data, topic, echoTopic, echo, uploads)
                        .run(rounds, database == null ? "H2 (embedded)" : "PostgreSQL");
            } finally {
                workers.forEach(ConfigurableApplicationContext::close);
                if (database != null) {
                    try (Connection admin = DriverManager.getConnection(postgres, "orchard", "orchard")) {
                        admin.createStatement()
                                .execute("DROP DATABASE IF EXISTS " + database.replaceAll(".*/", "") + " WITH (FORCE)");
                    }
                }
            }
        }
    }

    /**
     * With {@code benchmark.store-round-trip} (a duration, e.g. {@code 20ms}), the workers' store
     * waits that long on every call, as Cloud Storage's would; the benchmark's own writes do not.
     */
    private static void distantStore(org.springframework.context.ConfigurableApplicationContext context) {
        String roundTrip = System.getProperty("benchmark.store-round-trip", "");
        if (roundTrip.isBlank()) {
            return;
        }
        Duration latency = org.springframework.boot.convert.DurationStyle.detectAndParse(roundTrip);
        context.getBeanFactory().addBeanPostProcessor(new org.springframework.beans.factory.config.BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                return bean instanceof BlobStore store && !(bean instanceof DistantBlobStore)
                        ? new DistantBlobStore(store, latency)
                        : bean;
            }
        });
    }

    private final List<ConfigurableApplicationContext> workers;
    private final ConfigurableApplicationContext app;
    private final Path data;
    private final String topic;
    private final String echoTopic;
    private final String echo;
    private final int n;
    private final BlobStore store;
    private final PubSubTemplate pubSub;
    private final List<byte[]> bytes = new ArrayList<>();
    private int batch;

    private PubSubThroughputBenchmark(
            List<ConfigurableApplicationContext> workers, Path data, String topic, String echoTopic, String echo, int n)
            throws Exception {
        this.workers = workers;
        this.app = workers.get(0);
        this.data = data;
        this.topic = topic;
        this.echoTopic = echoTopic;
        this.echo = echo;
        this.n = n;
        this.store = new dev.orchard.storage.LocalBlobStore(data, java.time.Clock.systemUTC());
        this.pubSub = app.getBean(PubSubTemplate.class);
        List<Path> samples = SampleDataset.images();
        for (int i = 0; i < n; i++) {
            // more uploads than sample images: the samples again, each upload still an object of its own
            bytes.add(Files.readAllBytes(samples.get(i % samples.size())));
        }
    }

    /**
     * What one way of sending the uploads gave; {@code compiling}: the JIT compiler threads' CPU from
     * the first send until every result was seen, per second of it (in cores; NaN without /proc).
     */
    private record Run(double rate, long p50, long p99, double compiling) {
        static Run of(int n, Instant first, Instant[] sent, Instant[] scored, long compilerMillisAtFirst) {
            long compilerMillis = ThreadCpu.compilerMillisOfThisJvm();
            double compiling = compilerMillis < 0 || compilerMillisAtFirst < 0
                    ? Double.NaN
                    : (compilerMillis - compilerMillisAtFirst)
                            / (double) Math.max(
                                    1, Duration.between(first, Instant.now()).toMillis());
            long[] latencies = new long[n];
            Instant last = first;
            for (int i = 0; i < n; i++) {
                latencies[i] = Duration.between(sent[i], scored[i]).toMillis();
                last = scored[i].isAfter(last) ? scored[i] : last;
            }
            Arrays.sort(latencies);
            return new Run(
                    n / (Duration.between(first, last).toNanos() / 1e9),
                    latencies[n / 2],
                    latencies[Math.max(0, (int) Math.ceil(n * 0.99) - 1)],
                    compiling);
        }
    }

    private void run(int rounds, String repository) throws Exception {
        int threads = app.getEnvironment().getProperty("orchard.jobs.workers", Integer.class, 2);
        double rawFirst = rawRate(threads);
        double storeFirst = storeAlone(threads);
        double pubSubAlone = pubSubAlone();
        List<Run> bursts = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            bursts.add(burst());
        }
        Run burst = bursts.get(bursts.size() - 1);
        Run open = openLoop(burst.rate() / 2);
        Run alone = workerAlone();
        // measured again at the end, warm: the higher of each pair is the baseline
        double rawLast = rawRate(threads);
        double storeLast = storeAlone(threads);
        double raw = Math.max(rawFirst, rawLast);
        double storeAlone = Math.max(storeFirst, storeLast);
        double limit = 1 / (1 / raw + 1 / storeAlone);

        System.out.printf(
                Locale.ROOT,
                "%n=== Pub/Sub upload path: %d notifications of 28x28 PNGs, fashion v1 (tribuo-cart), %d worker(s), %s ===%n",
                n,
                workers.size(),
                repository);
        System.out.printf(
                Locale.ROOT,
                "raw decode+infer, %d threads, images/s      %10.1f   (first %.1f, last %.1f)%n",
                threads,
                raw,
                rawFirst,
                rawLast);
        System.out.printf(
                Locale.ROOT,
                "store alone (read, create-only write), %d threads, uploads/s %10.1f   (first %.1f, last %.1f)%n",
                threads,
                storeAlone,
                storeFirst,
                storeLast);
        System.out.printf(Locale.ROOT, "limit: raw and store in series, uploads/s  %10.1f%n", limit);
        System.out.printf(Locale.ROOT, "C2 compiler threads                        %s%n", CompilerPriority.outcome());
        System.out.printf(Locale.ROOT, "Pub/Sub alone (publish, ack) msgs/s        %10.1f%n", pubSubAlone);
        System.out.printf(
                Locale.ROOT,
                "burst results/s by round                   %s%n",
                bursts.stream()
                        .map(b -> String.format(Locale.ROOT, "%.0f", b.rate()))
                        .toList());
        print("burst (all published at once, last round)", burst, raw, limit, pubSubAlone);
        System.out.printf(Locale.ROOT, "open loop at %.0f notifications/s:%n", burst.rate() / 2);
        print("open loop", open, raw, limit, pubSubAlone);
        print("worker alone (in-process dispatch, burst)", alone, raw, limit, Double.NaN);
        System.out.printf(
                Locale.ROOT,
                "peak RSS of this JVM (the workers run in it) %6d MB%n%n",
                PeakRss.ofThisProcessKb() / 1024);
    }

    private static void print(String what, Run run, double raw, double limit, double pubSubAlone) {
        System.out.printf(
                Locale.ROOT,
                "%-42s %10.1f results/s   p50 %5d ms   p99 %5d ms   JIT compilers' CPU %.2f cores   ÷ raw %.3f   ÷ limit %.3f%s%n",
                what,
                run.rate(),
                run.p50(),
                run.p99(),
                run.compiling(),
                run.rate() / raw,
                run.rate() / limit,
                Double.isNaN(pubSubAlone)
                        ? ""
                        : String.format(Locale.ROOT, "   ÷ Pub/Sub alone %.3f", run.rate() / pubSubAlone));
    }

    /** Decode + batched inference of the same images, on {@code threads} threads: the median of 9 rounds. */
    private double rawRate(int threads) throws Exception {
        ImageDecoder decoder = app.getBean(ImageDecoder.class);
        try (LoadedModel.Lease model = app.getBean(ChampionModels.class).lease("fashion")) {
            Classifier classifier = model.classifier();
            return medianRate(
                    threads, 9, round -> (from, to) -> decodeAndInfer(bytes.subList(from, to), decoder, classifier));
        }
    }

    /** One thread's share of a round: the uploads from {@code from} (inclusive) to {@code to}. */
    @FunctionalInterface
    private interface Share {
        void run(int from, int to) throws Exception;
    }

    /**
     * The median over {@code rounds} rounds of {@code n} / the time {@code threads} threads take to
     * run their shares, all started at once; {@code round} prepares each round's work (untimed).
     */
    private double medianRate(int threads, int rounds, java.util.function.IntFunction<Share> round) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                Share share = round.apply(r);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int from = t * n / threads;
                    int to = (t + 1) * n / threads;
                    done.add(pool.submit(() -> {
                        go.await();
                        share.run(from, to);
                        return null;
                    }));
                }
                long start = System.nanoTime();
                go.countDown();
                for (Future<?> f : done) {
                    f.get();
                }
                rates[r] = n / ((System.nanoTime() - start) / 1e9);
            }
            Arrays.sort(rates);
            return rates[rates.length / 2];
        } finally {
            pool.shutdown();
        }
    }

    private static void decodeAndInfer(List<byte[]> images, ImageDecoder decoder, Classifier classifier) {
        for (int i = 0; i < images.size(); i += 64) {
            List<byte[]> part = images.subList(i, Math.min(images.size(), i + 64));
            float[][] inputs = new float[part.size()][];
            for (int k = 0; k < part.size(); k++) {
                inputs[k] = decoder.decode(part.get(k), classifier.input());
            }
            classifier.predict(inputs);
        }
    }

    /**
     * The local store doing what a worker does per upload besides decoding and inference: read the
     * upload (as bounded as the worker reads it) and write a result-sized object create-only under a
     * name of its own, on {@code threads} threads: the median of 3 rounds, fresh uploads and names
     * each round. The store's own code over the workers' directory, without {@code
     * benchmark.store-round-trip}'s wait: the limit is what the cores allow.
     */
    private double storeAlone(int threads) throws Exception {
        long maxBytes = app.getBean(ImageDecoder.class).maxBytes();
        // what a worker writes for an upload (the default spec's top 3), serialised as the worker does
        byte[] result = app.getBean(JsonMapper.class)
                .writeValueAsBytes(new dev.orchard.uploads.UploadPrediction(
                        "local",
                        "uploads/b0-0000.png",
                        System.currentTimeMillis() * 1000,
                        "sneaker",
                        0.98,
                        List.of(
                                new dev.orchard.model.Prediction.LabelScore("sneaker", 0.98),
                                new dev.orchard.model.Prediction.LabelScore("sandal", 0.015),
                                new dev.orchard.model.Prediction.LabelScore("ankle-boot", 0.005)),
                        "fashion",
                        1,
                        Instant.now(),
                        "0".repeat(32)));
        return medianRate(threads, 3, round -> {
            List<ObjectRef> refs = uploads();
            String prefix = "store-alone/" + round + "/";
            return (from, to) -> {
                for (ObjectRef ref : refs.subList(from, to)) {
                    store.get(ref, maxBytes).orElseThrow();
                    store.put("local", prefix + ref.name() + ".json", result, WritePrecondition.doesNotExist());
                }
            };
        });
    }

    /**
     * The emulator and client's own ceiling in this run: the same number of notifications published
     * at once and acked on arrival, with the worker's subscriber settings and no work.
     */
    private double pubSubAlone() throws InterruptedException {
        CountDownLatch received = new CountDownLatch(n);
        com.google.cloud.pubsub.v1.Subscriber subscriber = pubSub.subscribe(echo, message -> {
            message.ack();
            received.countDown();
        });
        try {
            long start = System.nanoTime();
            List<CompletableFuture<String>> sends = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                sends.add(pubSub.publish(
                        echoTopic, PubSubEmulator.notification(new ObjectRef("local", "echo/" + i, i + 1L))));
            }
            CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
            if (!received.await(5, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the emulator delivered " + (n - received.getCount()) + " of " + n);
            }
            return n / ((System.nanoTime() - start) / 1e9);
        } finally {
            subscriber.stopAsync();
        }
    }

    /** Fresh uploads (new names) for one run. */
    private List<ObjectRef> uploads() {
        String prefix = "uploads/b" + (batch++) + "-";
        List<ObjectRef> refs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            refs.add(store.put("local", prefix + i + ".png", bytes.get(i), WritePrecondition.none()));
        }
        return refs;
    }

    private Run burst() throws Exception {
        List<ObjectRef> refs = uploads();
        Instant[] sent = new Instant[n];
        List<CompletableFuture<String>> sends = new ArrayList<>();
        long compiled = ThreadCpu.compilerMillisOfThisJvm();
        Instant first = Instant.now();
        for (int i = 0; i < n; i++) {
            sent[i] = Instant.now();
            sends.add(pubSub.publish(topic, PubSubEmulator.notification(refs.get(i))));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        return Run.of(n, first, sent, awaitResults(refs), compiled);
    }

    private Run openLoop(double perSecond) throws Exception {
        List<ObjectRef> refs = uploads();
        Instant[] sent = new Instant[n];
        List<CompletableFuture<String>> sends = new ArrayList<>();
        long start = System.nanoTime();
        long compiled = ThreadCpu.compilerMillisOfThisJvm();
        Instant first = Instant.now();
        for (int i = 0; i < n; i++) {
            long due = start + (long) (i * 1e9 / perSecond);
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            sent[i] = Instant.now();
            sends.add(pubSub.publish(topic, PubSubEmulator.notification(refs.get(i))));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).join();
        return Run.of(n, first, sent, awaitResults(refs), compiled);
    }

    /** The same uploads handed to the dispatchers in-process, shared round-robin between the workers. */
    private Run workerAlone() throws Exception {
        List<ObjectRef> refs = uploads();
        List<JobDispatcher> dispatchers =
                workers.stream().map(w -> w.getBean(JobDispatcher.class)).toList();
        Instant[] sent = new Instant[n];
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        long compiled = ThreadCpu.compilerMillisOfThisJvm();
        Instant first = Instant.now();
        for (int i = 0; i < n; i++) {
            sent[i] = Instant.now();
            outcomes.add(dispatchers
                    .get(i % dispatchers.size())
                    .dispatch(new JobRequest.ScoreUpload(refs.get(i), "benchmark")));
        }
        CompletableFuture.allOf(outcomes.toArray(CompletableFuture[]::new)).join();
        java.util.Map<Outcome, Long> counts = outcomes.stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        CompletableFuture::join, java.util.stream.Collectors.counting()));
        if (!counts.keySet().equals(java.util.Set.of(Outcome.COMPLETED))) {
            throw new IllegalStateException("in-process uploads ended " + counts);
        }
        return Run.of(n, first, sent, awaitResults(refs), compiled);
    }

    /** When each upload's result says it was scored (waits for every one). */
    private Instant[] awaitResults(List<ObjectRef> refs) throws Exception {
        Instant[] scored = new Instant[refs.size()];
        for (int i = 0; i < refs.size(); i++) {
            Path result = data.resolve("local/predictions/" + refs.get(i).name() + ".json");
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!Files.exists(result)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no result for " + refs.get(i) + " after 5 minutes");
                }
                Thread.sleep(5);
            }
            scored[i] = Instant.parse(
                    JSON.readTree(Files.readAllBytes(result)).path("scoredAt").asString());
        }
        return scored;
    }

    /** A fresh database on the PostgreSQL server of {@code url}, for this run's job repository. */
    private static String createDatabase(String url) throws Exception {
        String database =
                "orchard_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(url, "orchard", "orchard")) {
            admin.createStatement().execute("CREATE DATABASE " + database);
        }
        return url.replaceAll("/[^/]*$", "/" + database);
    }
}

package dev.orchard.serving;

import dev.orchard.model.Prediction;
import dev.orchard.registry.LoadedModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic batching: images decoded by concurrent requests wait at most {@code maxWait} to be
 * classified together, up to {@code maxBatchSize} per inference call, grouped by the exact model
 * version each request leased (so a hot swap never mixes versions in one call, and every request is
 * answered by the version it decoded for).
 *
 * <p>Contract: the queue is bounded; when it is full {@link #submit} throws {@link
 * OverloadedException} at once rather than buffering without bound. Each future completes with the
 * prediction for its own image, or exceptionally with the model's error. The caller keeps its lease
 * open until its future completes.
 */
public final class MicroBatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MicroBatcher.class);

    private record Item(LoadedModel.Lease model, float[] input, int topK, CompletableFuture<Prediction> result) {}

    /** When requests share inference calls ({@code orchard.serving.batching.mode}). */
    public enum Mode {
        /** Never: every image is classified on its request's thread. */
        OFF,
        /** Always: every image goes through the queue and may wait {@code maxWait} for company. */
        ALWAYS,
        /**
         * Only under load: an image is classified on its request's thread while nothing waits in the
         * queue and fewer than {@code threads} such calls run; otherwise it queues and is batched.
         */
        ADAPTIVE
    }

    private final Mode mode;
    private final java.util.concurrent.Semaphore direct;

    private final BlockingQueue<Item> queue;
    private final int maxBatchSize;
    private final Duration maxWait;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    public MicroBatcher(int maxBatchSize, Duration maxWait, int queueCapacity, int threadCount) {
        this(Mode.ALWAYS, maxBatchSize, maxWait, queueCapacity, threadCount);
    }

    public MicroBatcher(Mode mode, int maxBatchSize, Duration maxWait, int queueCapacity, int threadCount) {
        this.mode = mode;
        this.direct = new java.util.concurrent.Semaphore(threadCount);
        this.queue = new ArrayBlockingQueue<>(queueCapacity);
        this.maxBatchSize = maxBatchSize;
        this.maxWait = maxWait;
        for (int i = 0; i < threadCount; i++) {
            Thread thread = new Thread(this::loop, "orchard-inference-" + i);
            thread.setDaemon(true);
            thread.start();
            threads.add(thread);
        }
    }

    /**
     * Queues one image for the leased model.
     *
     * @throws OverloadedException if the queue is full
     */
    public CompletableFuture<Prediction> submit(LoadedModel.Lease model, float[] input, int topK) {
        if (mode == Mode.OFF) {
            return classifyNow(model, input, topK);
        }
        if (mode == Mode.ADAPTIVE && queue.isEmpty() && direct.tryAcquire()) {
            try {
                return classifyNow(model, input, topK);
            } finally {
                direct.release();
            }
        }
        Item item = new Item(model, input, topK, new CompletableFuture<>());
        if (!running || !queue.offer(item)) {
            throw new OverloadedException("the inference queue is full (" + queue.size() + " images waiting)");
        }
        return item.result();
    }

    private static CompletableFuture<Prediction> classifyNow(LoadedModel.Lease model, float[] input, int topK) {
        try {
            return CompletableFuture.completedFuture(
                    model.classifier().classify(new float[][] {input}, topK).get(0));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Images waiting for inference now. */
    public int queueDepth() {
        return queue.size();
    }

    private void loop() {
        List<Item> batch = new ArrayList<>(maxBatchSize);
        while (running) {
            try {
                Item first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + maxWait.toNanos();
                while (batch.size() < maxBatchSize) {
                    long left = deadline - System.nanoTime();
                    Item next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : queue.poll();
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("inference batch failed", e);
                batch.forEach(item -> item.result().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private static void run(List<Item> batch) {
        Map<Object, List<Item>> byModel = new IdentityHashMap<>();
        for (Item item : batch) {
            byModel.computeIfAbsent(item.model().classifier(), k -> new ArrayList<>())
                    .add(item);
        }
        for (List<Item> group : byModel.values()) {
            try {
                float[][] rows = group.stream().map(Item::input).toArray(float[][]::new);
                int topK = group.stream().mapToInt(Item::topK).max().orElse(1);
                List<Prediction> predictions = group.get(0).model().classifier().classify(rows, topK);
                for (int i = 0; i < group.size(); i++) {
                    Prediction p = predictions.get(i);
                    int k = group.get(i).topK();
                    group.get(i)
                            .result()
                            .complete(new Prediction(
                                    p.label(),
                                    p.confidence(),
                                    p.top().subList(0, Math.min(k, p.top().size()))));
                }
            } catch (RuntimeException e) {
                group.forEach(item -> item.result().completeExceptionally(e));
            }
        }
    }

    @Override
    public void close() {
        running = false;
        threads.forEach(Thread::interrupt);
        Item left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(new OverloadedException("the worker is shutting down"));
        }
    }
}

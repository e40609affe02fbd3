package dev.orchard.uploads;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A window's storage calls, run side by side on a bounded pool, so a window on Cloud Storage waits
 * for its round trips together instead of one after another: uploads are read at most {@code
 * readAhead} ahead of the thread that decodes them (so a window thread holds at most that many
 * uploads' bytes, however large the window), and a batch's result writes run all at once.
 *
 * <p>Each task runs with what its caller gives it (its span is the upload's, started in the task);
 * a task's exception reaches the caller where it awaits that task.
 */
final class UploadIo implements AutoCloseable {

    private final ExecutorService pool;
    private final int readAhead;

    /**
     * @param threads the pool's threads, shared by every window of this worker
     * @param readAhead how many uploads a window thread may have read or being read ahead of the one
     *     it decodes (at least 1)
     */
    UploadIo(int threads, int readAhead) {
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "orchard-upload-io-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.readAhead = Math.max(1, readAhead);
    }

    /** Every call on the calling thread, in order: for a store that answers in microseconds. */
    static UploadIo inline() {
        return new UploadIo(null, 1);
    }

    private UploadIo(ExecutorService pool, int readAhead) {
        this.pool = pool;
        this.readAhead = readAhead;
    }

    /**
     * Runs {@code read} for each of {@code items} on the pool, at most {@code readAhead} ahead, and
     * hands each item with its read to {@code use} on the calling thread, in order. {@code use}
     * gets the read as a supplier that returns its result or throws its exception.
     */
    <I, T> void readInOrder(List<I> items, Function<I, T> read, BiConsumer<I, Supplier<T>> use) {
        if (pool == null) {
            items.forEach(item -> use.accept(item, () -> read.apply(item)));
            return;
        }
        Deque<CompletableFuture<T>> ahead = new ArrayDeque<>();
        int next = 0;
        for (I item : items) {
            while (next < items.size() && ahead.size() < readAhead) {
                I reading = items.get(next++);
                ahead.add(CompletableFuture.supplyAsync(() -> read.apply(reading), pool));
            }
            CompletableFuture<T> read0 = ahead.poll();
            use.accept(item, () -> await(read0));
        }
    }

    /** Runs every task on the pool and returns their results in order once all have ended. */
    <T> List<Supplier<T>> all(List<Supplier<T>> tasks) {
        List<CompletableFuture<T>> running = new ArrayList<>(tasks.size());
        tasks.forEach(task -> running.add(pool == null ? completed(task) : CompletableFuture.supplyAsync(task, pool)));
        List<Supplier<T>> ended = new ArrayList<>(tasks.size());
        for (CompletableFuture<T> task : running) {
            try {
                T result = task.join();
                ended.add(() -> result);
            } catch (CompletionException e) {
                ended.add(() -> {
                    throw unwrap(e);
                });
            }
        }
        return ended;
    }

    private static <T> CompletableFuture<T> completed(Supplier<T> task) {
        try {
            return CompletableFuture.completedFuture(task.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> T await(CompletableFuture<T> task) {
        try {
            return task.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    private static RuntimeException unwrap(CompletionException e) {
        if (e.getCause() instanceof Error error) {
            throw error;
        }
        return e.getCause() instanceof RuntimeException cause ? cause : new IllegalStateException(e.getCause());
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}

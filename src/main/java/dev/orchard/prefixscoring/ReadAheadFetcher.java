package dev.orchard.prefixscoring;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.MDC;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;

/**
 * A partition's objects, read and decoded ahead on a thread of their own, so reading and decoding
 * the next images overlap the partition thread's inference calls on the current chunk.
 *
 * <p>At most {@code readAhead} objects are in flight. The restart position saved with each
 * committed chunk counts the items <em>returned</em>, not those fetched ahead, so a restart
 * resumes at the first uncommitted object: what was fetched ahead and not written is fetched
 * again, never skipped.
 */
class ReadAheadFetcher implements ItemStreamReader<Fetched> {

    private final PartitionReader objects;
    private final ImageFetcher fetcher;
    private final int readAhead;
    private final Deque<Future<Fetched>> ahead = new ArrayDeque<>();
    private ExecutorService executor;
    private Map<String, String> mdc;
    private boolean exhausted;
    private int returned;

    ReadAheadFetcher(PartitionReader objects, ImageFetcher fetcher, int readAhead) {
        this.objects = objects;
        this.fetcher = fetcher;
        this.readAhead = Math.max(1, readAhead);
    }

    @Override
    public void open(ExecutionContext context) {
        objects.open(context);
        returned = context.getInt(PartitionReader.POSITION, 0);
        exhausted = false;
        mdc = MDC.getCopyOfContextMap(); // the step's trace (set before the step opens its streams)
        executor = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, Thread.currentThread().getName() + "-fetch");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Fetched read() throws InterruptedException {
        fill();
        Future<Fetched> next = ahead.poll();
        if (next == null) {
            return null;
        }
        try {
            Fetched fetched = next.get();
            returned++;
            fill();
            return fetched;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ItemStreamException("fetching an object failed", e.getCause());
        }
    }

    private void fill() {
        while (!exhausted && ahead.size() < readAhead) {
            ListedObject object = objects.read();
            if (object == null) {
                exhausted = true;
                return;
            }
            ahead.add(executor.submit(() -> {
                if (mdc != null) {
                    MDC.setContextMap(mdc);
                }
                try {
                    return fetcher.process(object);
                } finally {
                    MDC.clear();
                }
            }));
        }
    }

    @Override
    public void update(ExecutionContext context) {
        context.putInt(PartitionReader.POSITION, returned);
    }

    @Override
    public void close() {
        ahead.forEach(f -> f.cancel(true));
        ahead.clear();
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        objects.close();
    }
}

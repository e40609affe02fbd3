package dev.orchard.uploads;

import dev.orchard.storage.ObjectRef;
import dev.orchard.system.Outcome;
import dev.orchard.system.TraceIds;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers upload requests into short windows and runs each window: requests for one spec are
 * gathered for at most {@code window} or {@code maxWindowSize} objects, and each window runs once
 * (as one {@code score-uploads} job execution) on a bounded pool. Thousands of uploads mean a few
 * hundred windows, not thousands.
 *
 * <p>Duplicate contract: a request for an upload already pending in this worker gets the same
 * future as the first; across workers and restarts the {@link UploadLedger} decides (through the
 * scorer), so a generation whose result was written completes as {@link Outcome#DUPLICATE}. An
 * upload another worker holds is offered again after {@code 10 × window}, its request still
 * pending. When the pool's queue is full the window's requests complete with {@link Outcome#BUSY}
 * and their trigger offers them again later; nothing is buffered without bound.
 */
public final class UploadWindowing implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(UploadWindowing.class);

    private final Consumer<UploadWindow> runner;
    private final Function<String, java.util.Optional<UploadSpec>> specs;
    private final Executor executor;
    private final UploadWindows windows;
    private final int maxWindowSize;
    private final Duration holdRecheck;
    private final ScheduledExecutorService scheduler;
    private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectRef>> buffers = new HashMap<>();
    private final Map<ObjectRef, String> uploadTraces = new ConcurrentHashMap<>();

    /**
     * @param runner runs one window to its end, reporting each upload's outcome on the window (a
     *     window that throws completes all its requests as {@link Outcome#FAILED})
     * @param specs the score spec of a name, to flush buffered windows by
     * @param scheduler flushes every {@code window} and re-offers held uploads; owned (shut down on
     *     {@link #close})
     */
    public UploadWindowing(
            Consumer<UploadWindow> runner,
            Function<String, java.util.Optional<UploadSpec>> specs,
            Executor executor,
            UploadWindows windows,
            Duration window,
            int maxWindowSize,
            ScheduledExecutorService scheduler) {
        this.runner = runner;
        this.specs = specs;
        this.executor = executor;
        this.windows = windows;
        this.maxWindowSize = maxWindowSize;
        this.holdRecheck = window.multipliedBy(10);
        this.scheduler = scheduler;
        long period = Math.max(1, window.toMillis());
        scheduler.scheduleWithFixedDelay(this::flushAll, period, period, TimeUnit.MILLISECONDS);
    }

    /** Adds {@code object} to the current window of {@code spec}; completes when its window has run. */
    public CompletableFuture<Outcome> submit(UploadSpec spec, ObjectRef object) {
        String key = spec.name() + "|" + object;
        CompletableFuture<Outcome> created = new CompletableFuture<>();
        CompletableFuture<Outcome> existing = pending.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        String trace = TraceIds.currentContext();
        if (trace != null) {
            uploadTraces.put(object, trace);
        }
        List<ObjectRef> full = null;
        synchronized (buffers) {
            List<ObjectRef> buffer = buffers.computeIfAbsent(spec.name(), n -> new ArrayList<>());
            buffer.add(object);
            if (buffer.size() >= maxWindowSize) {
                full = buffers.remove(spec.name());
            }
        }
        if (full != null) {
            launch(spec, full);
        }
        return created;
    }

    /** Requests waiting for their window now (for tests and status). */
    public int pending() {
        return pending.size();
    }

    void flushAll() {
        Map<String, List<ObjectRef>> due;
        synchronized (buffers) {
            due = new HashMap<>(buffers);
            buffers.clear();
        }
        due.forEach((name, objects) -> specs.apply(name).ifPresent(spec -> launch(spec, objects)));
    }

    private void launch(UploadSpec spec, List<ObjectRef> objects) {
        Map<ObjectRef, String> traces = new HashMap<>();
        for (ObjectRef object : objects) {
            String trace = uploadTraces.remove(object);
            if (trace != null) {
                traces.put(object, trace);
            }
        }
        UploadWindow batch = new UploadWindow(UUID.randomUUID().toString(), spec, objects, traces);
        windows.register(batch);
        try {
            executor.execute(() -> run(batch));
        } catch (RejectedExecutionException full) {
            windows.remove(batch.id());
            finish(batch, Outcome.BUSY);
        }
    }

    private void run(UploadWindow batch) {
        try {
            runner.accept(batch);
            finish(batch, null);
        } catch (RuntimeException e) {
            log.error(
                    "cannot run window {} of {} object(s)",
                    batch.id(),
                    batch.objects().size(),
                    e);
            finish(batch, Outcome.FAILED);
        } finally {
            windows.remove(batch.id());
        }
    }

    /**
     * Completes every request of the window with its reported outcome (or {@code override}); uploads
     * another worker holds are offered again after a pause, their requests still pending.
     */
    private void finish(UploadWindow batch, Outcome override) {
        for (ObjectRef object : batch.objects()) {
            Outcome outcome = override != null ? override : batch.outcomeOf(object);
            if (outcome == Outcome.HELD_ELSEWHERE) {
                try {
                    scheduler.schedule(
                            () -> rebuffer(batch.spec(), object), holdRecheck.toMillis(), TimeUnit.MILLISECONDS);
                    continue;
                } catch (RejectedExecutionException shuttingDown) {
                    outcome = Outcome.BUSY;
                }
            }
            CompletableFuture<Outcome> future = pending.remove(batch.spec().name() + "|" + object);
            if (future != null) {
                future.complete(outcome);
            }
        }
    }

    private void rebuffer(UploadSpec spec, ObjectRef object) {
        synchronized (buffers) {
            buffers.computeIfAbsent(spec.name(), n -> new ArrayList<>()).add(object);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}

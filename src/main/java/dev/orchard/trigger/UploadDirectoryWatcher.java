package dev.orchard.trigger;

import dev.orchard.dispatch.JobDispatcher;
import dev.orchard.dispatch.JobRequest;
import dev.orchard.dispatch.JobSpecs;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.StoredObject;
import dev.orchard.system.Outcome;
import dev.orchard.system.Spans;
import dev.orchard.system.TraceIds;
import dev.orchard.uploads.UploadSpec;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's upload trigger: watches {@code <root>/<bucket>/<prefix>} of every score
 * spec (as a bucket's notification configuration names its prefixes) and turns each new object
 * generation there into a {@link JobRequest.ScoreUpload}, exactly what the Pub/Sub notification
 * adapter produces on GCP; which spec, if any, scores it is the dispatcher's to say.
 *
 * <p>File-system events only wake it up; a full listing every {@code scanInterval} is the source of
 * truth, so nothing is missed when events overflow or arrive while the worker is down (on start,
 * every existing file is offered and the job repository turns the already-scored ones into
 * duplicates). A file is offered once it has been unchanged for {@code settle}; a failed job is
 * retried with exponential backoff; the same generation is never offered twice while in flight.
 */
public final class UploadDirectoryWatcher implements Runnable {

    private static final Logger log = LoggerFactory.getLogger(UploadDirectoryWatcher.class);

    private final Spans spans;
    private final LocalBlobStore store;
    private final JobSpecs specs;
    private final JobDispatcher dispatcher;
    private final LocalTriggerProperties properties;
    private final Clock clock;
    private final Map<String, Long> done = new ConcurrentHashMap<>();
    private final Map<String, Retry> retries = new ConcurrentHashMap<>();
    private final Set<ObjectRef> inFlight = ConcurrentHashMap.newKeySet();
    private final Object wakeUp = new Object();
    private volatile boolean running;
    private Thread thread;

    private record Retry(long generation, int failures, Instant notBefore) {}

    public UploadDirectoryWatcher(
            LocalBlobStore store,
            JobSpecs specs,
            JobDispatcher dispatcher,
            LocalTriggerProperties properties,
            Clock clock,
            Spans spans) {
        this.spans = spans;
        this.store = store;
        this.specs = specs;
        this.dispatcher = dispatcher;
        this.properties = properties;
        this.clock = clock;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this, "orchard-upload-watcher");
        thread.setDaemon(true);
        thread.start();
        specs.all()
                .forEach(s -> log.info(
                        "watching {} for uploads to score with {} (spec {})",
                        store.bucketDirectory(s.storage().bucket())
                                .resolve(s.storage().prefix()),
                        s.model(),
                        s.name()));
    }

    public synchronized void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
        }
    }

    @Override
    public void run() {
        try (WatchService events = FileSystems.getDefault().newWatchService()) {
            while (running) {
                boolean settling = false;
                try {
                    settling = scanOnce(events);
                } catch (RuntimeException e) {
                    log.error("upload scan failed; retrying in {}", properties.scanInterval(), e);
                }
                Duration wait = settling ? properties.settle() : properties.scanInterval();
                WatchKey key = events.poll(Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
                if (key != null) {
                    key.pollEvents();
                    key.reset();
                    drain(events);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | java.nio.file.ClosedWatchServiceException e) {
            if (running) {
                log.error("upload watcher stopped", e);
            }
        }
    }

    /** Offers every new, settled object generation once; returns whether some are still settling. */
    boolean scanOnce(WatchService events) {
        boolean settling = false;
        Instant now = clock.instant();
        for (UploadSpec spec : specs.all()) {
            UploadSpec.StorageTrigger trigger = spec.storage();
            register(events, store.bucketDirectory(trigger.bucket()).resolve(trigger.prefix()));
            for (StoredObject object : store.list(trigger.bucket(), trigger.prefix())) {
                if (object.updated().isAfter(now.minus(properties.settle()))) {
                    settling = true;
                    continue;
                }
                offer(object.ref(), now);
            }
        }
        return settling;
    }

    private void offer(ObjectRef ref, Instant now) {
        String key = ref.bucket() + "/" + ref.name();
        Long scored = done.get(key);
        if (scored != null && scored == ref.generation()) {
            return;
        }
        Retry retry = retries.get(key);
        if (retry != null
                && retry.generation() == ref.generation()
                && retry.notBefore().isAfter(now)) {
            return;
        }
        if (!inFlight.add(ref)) {
            return;
        }
        CompletableFuture<Outcome> work;
        // one trace per upload seen, as a notification would start one
        try (Spans.Active seen = spans.start("upload seen", spans.enabled() ? null : TraceIds.newId())
                .tag("orchard.object", ref.toString())) {
            work = dispatcher.dispatch(new JobRequest.ScoreUpload(ref, "local-watcher"));
        }
        work.whenComplete((outcome, error) -> {
            inFlight.remove(ref);
            Outcome result = error == null ? outcome : Outcome.FAILED;
            switch (result) {
                case COMPLETED, DUPLICATE, UNMATCHED -> {
                    done.put(key, ref.generation());
                    retries.remove(key);
                }
                case BUSY -> {} // offered again on the next scan
                case FAILED -> retries.compute(key, (k, previous) -> backoff(ref, previous));
                default -> throw new IllegalStateException("unknown outcome " + result);
            }
        });
    }

    private Retry backoff(ObjectRef ref, Retry previous) {
        int failures = previous == null || previous.generation() != ref.generation() ? 1 : previous.failures() + 1;
        long seconds = Math.min(properties.maxBackoff().toSeconds(), 1L << Math.min(failures, 20));
        log.warn("{}: scoring failed {} time(s); retrying in {} s", ref, failures, seconds);
        return new Retry(ref.generation(), failures, clock.instant().plusSeconds(seconds));
    }

    private static void register(WatchService events, Path root) {
        try {
            Files.createDirectories(root);
            try (Stream<Path> dirs = Files.walk(root)) {
                for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                    dir.register(events, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
                }
            }
        } catch (IOException e) {
            log.warn("cannot watch {} for events; relying on periodic scans: {}", root, e.getMessage());
        }
    }

    private static void drain(WatchService events) {
        WatchKey key;
        while ((key = events.poll()) != null) {
            key.pollEvents();
            key.reset();
        }
    }
}

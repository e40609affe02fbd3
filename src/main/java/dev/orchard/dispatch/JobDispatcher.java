package dev.orchard.dispatch;

import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.registry.ChampionCommands;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.retrain.Retrainer;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.PreconditionFailedException;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.dao.TransientDataAccessException;

/**
 * Matches upload requests to job specs and scores them in short windows: requests for one spec are
 * gathered for at most {@code window} or {@code maxWindowSize} objects, and each window is one
 * {@code score-uploads} job execution on a bounded pool. Thousands of uploads mean a few hundred
 * job executions, not thousands.
 *
 * <p>Duplicate contract: a request for an upload already pending in this worker gets the same
 * future as the first; across workers and restarts the {@link UploadLedger} decides, so a generation
 * whose result was written completes as {@link Outcome#DUPLICATE} without being scored again. When
 * the pool's queue is full the window's requests complete with {@link Outcome#BUSY} and their
 * trigger offers them again later; nothing is buffered without bound.
 */
public final class JobDispatcher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);

    private final JobSpecs specs;
    private final ChampionCommands champions;
    private final PrefixJobs prefixJobs;
    private final Retrainer retrainer;
    private final JobOperator jobOperator;
    private final Job windowJob;
    private final Executor executor;
    private final UploadWindows windows;
    private final Duration window;
    private final int maxWindowSize;
    private final Map<String, CompletableFuture<Outcome>> pending = new ConcurrentHashMap<>();
    private final Map<String, List<ObjectRef>> buffers = new HashMap<>();
    private final Map<ObjectRef, String> uploadTraces = new ConcurrentHashMap<>();
    private final ScheduledExecutorService flusher;
    private final Duration holdRecheck;

    public JobDispatcher(
            JobSpecs specs,
            ChampionCommands champions,
            PrefixJobs prefixJobs,
            Retrainer retrainer,
            JobOperator jobOperator,
            Job windowJob,
            Executor executor,
            UploadWindows windows,
            Duration window,
            int maxWindowSize) {
        this.specs = specs;
        this.champions = champions;
        this.prefixJobs = prefixJobs;
        this.retrainer = retrainer;
        this.jobOperator = jobOperator;
        this.windowJob = windowJob;
        this.executor = executor;
        this.windows = windows;
        this.window = window;
        this.maxWindowSize = maxWindowSize;
        this.holdRecheck = window.multipliedBy(10);
        this.flusher = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "orchard-window-flusher");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, window.toMillis());
        flusher.scheduleWithFixedDelay(this::flushAll, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Runs or schedules {@code request}.
     *
     * @throws RejectedRequestException if the request can never succeed as sent
     */
    public CompletableFuture<Outcome> dispatch(JobRequest request) {
        if (request instanceof JobRequest.ScoreUpload upload) {
            return dispatchUpload(upload.object());
        }
        if (request instanceof JobRequest.Promote promote) {
            return command(() -> champions.promote(promote.model(), promote.version(), promote.by(), promote.reason()));
        }
        if (request instanceof JobRequest.Rollback rollback) {
            return command(() -> champions.rollback(rollback.model(), rollback.by(), rollback.reason()));
        }
        if (request instanceof JobRequest.ScorePrefix score) {
            return scorePrefix(score);
        }
        if (request instanceof JobRequest.Retrain retrain) {
            return retrain(retrain);
        }
        throw new RejectedRequestException(
                "this worker does not run '" + request.getClass().getSimpleName() + "' requests");
    }

    /** Acked when the retrain finished (or had nothing to do); a failed one is redelivered. */
    private CompletableFuture<Outcome> retrain(JobRequest.Retrain retrain) {
        try {
            return retrainer
                    .submit(specs.retrainSpecFor(retrain.model())
                            .map(spec -> spec.request(retrain.force(), null, null, null, "pubsub"))
                            .orElseGet(() -> new Retrainer.Request(
                                    retrain.model(), retrain.force(), null, null, null, "pubsub")))
                    .thenApply(result -> switch (result.status()) {
                        case UNCHANGED, ALREADY_RUNNING -> Outcome.DUPLICATE;
                        case PROMOTED, PASSED, REJECTED -> Outcome.COMPLETED;
                    });
        } catch (ModelNotFoundException | IllegalArgumentException e) {
            throw new RejectedRequestException(e.getMessage());
        }
    }

    /** Acked once the run is recorded (or found): the job itself runs, and resumes, in the background. */
    private CompletableFuture<Outcome> scorePrefix(JobRequest.ScorePrefix score) {
        try {
            PrefixJobs.Submission submission = prefixJobs.submit(score.forPrefixJobs());
            return CompletableFuture.completedFuture(submission.existing() ? Outcome.DUPLICATE : Outcome.COMPLETED);
        } catch (ModelNotFoundException | IllegalArgumentException e) {
            throw new RejectedRequestException(e.getMessage());
        } catch (RuntimeException e) {
            log.warn("could not record prefix job {}: {}", score, e.getMessage());
            return CompletableFuture.completedFuture(Outcome.FAILED);
        }
    }

    private CompletableFuture<Outcome> command(Runnable action) {
        try {
            action.run();
            return CompletableFuture.completedFuture(Outcome.COMPLETED);
        } catch (ModelNotFoundException | IllegalArgumentException e) {
            throw new RejectedRequestException(e.getMessage());
        } catch (PreconditionFailedException raced) {
            log.info("champion moved concurrently; the command will be retried: {}", raced.getMessage());
            return CompletableFuture.completedFuture(Outcome.FAILED);
        }
    }

    private CompletableFuture<Outcome> dispatchUpload(ObjectRef object) {
        JobSpec spec = specs.scoreSpecFor(object.bucket(), object.name()).orElse(null);
        if (spec == null) {
            return CompletableFuture.completedFuture(Outcome.UNMATCHED);
        }
        String key = spec.name() + "|" + object;
        CompletableFuture<Outcome> created = new CompletableFuture<>();
        CompletableFuture<Outcome> existing = pending.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        String trace = dev.orchard.system.TraceIds.current();
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

    private void flushAll() {
        Map<String, List<ObjectRef>> due;
        synchronized (buffers) {
            due = new HashMap<>(buffers);
            buffers.clear();
        }
        due.forEach((name, objects) -> specs.named(name).ifPresent(spec -> launch(spec, objects)));
    }

    private void launch(JobSpec spec, List<ObjectRef> objects) {
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
            JobExecution execution = launch(batch);
            if (execution.getStatus() != BatchStatus.COMPLETED) {
                log.warn(
                        "window {} of {} object(s) ended {}: {}",
                        batch.id(),
                        batch.objects().size(),
                        execution.getStatus(),
                        execution.getAllFailureExceptions());
            }
            finish(batch, null);
        } catch (Exception e) {
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

    /** Starts the window's job, retrying a few times when the job repository reports a transient conflict. */
    private JobExecution launch(UploadWindow batch) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return startJob(batch);
            } catch (RuntimeException e) {
                if (attempt == 3 || !isTransient(e)) {
                    throw e;
                }
                Thread.sleep(50L * attempt);
            }
        }
    }

    private static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransientDataAccessException) {
                return true;
            }
        }
        return false;
    }

    private JobExecution startJob(UploadWindow batch) throws Exception {
        return jobOperator.start(
                windowJob,
                new JobParametersBuilder()
                        .addString("window", batch.id())
                        .addString("spec", batch.spec().name())
                        .addLong("objects", (long) batch.objects().size(), false)
                        .toJobParameters());
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
                    flusher.schedule(
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

    private void rebuffer(JobSpec spec, ObjectRef object) {
        synchronized (buffers) {
            buffers.computeIfAbsent(spec.name(), n -> new ArrayList<>()).add(object);
        }
    }

    @Override
    public void close() {
        flusher.shutdownNow();
    }
}

package dev.orchard.dispatch;

import dev.orchard.storage.ObjectRef;
import dev.orchard.trigger.JobRequest;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobInstanceAlreadyCompleteException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.dao.DataIntegrityViolationException;

/**
 * Matches requests to job specs and launches them on a bounded pool.
 *
 * <p>Duplicate contract: the identifying job parameters are the work's identity. A request whose job
 * instance already completed, or is being launched or run by this worker, completes with {@link
 * Outcome#DUPLICATE} without running anything. A request whose earlier run failed is restarted.
 * When the pool's queue is full the request completes with {@link Outcome#BUSY} and its trigger
 * must offer it again later; nothing is queued without bound.
 */
public final class JobDispatcher {

    private static final Logger log = LoggerFactory.getLogger(JobDispatcher.class);

    /** How a request ended. */
    public enum Outcome {
        /** The job ran and completed. */
        COMPLETED,
        /** The same work already completed or is running. */
        DUPLICATE,
        /** No job spec matches the request; nothing to do. */
        UNMATCHED,
        /** No room to run it now; offer it again later. */
        BUSY,
        /** The job ran and failed (the failure is logged); offering it again restarts it. */
        FAILED
    }

    private final JobSpecs specs;
    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job scoreUploadJob;
    private final Executor executor;
    // Keyed by the upload's identity: JobParameters' own equality is not a value equality of all parameters.
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    public JobDispatcher(
            JobSpecs specs,
            JobOperator jobOperator,
            JobRepository jobRepository,
            Job scoreUploadJob,
            Executor executor) {
        this.specs = specs;
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.scoreUploadJob = scoreUploadJob;
        this.executor = executor;
    }

    public CompletableFuture<Outcome> dispatch(JobRequest request) {
        if (request instanceof JobRequest.ScoreUpload upload) {
            return dispatchUpload(upload.object());
        }
        throw new IllegalArgumentException("unsupported request " + request);
    }

    private CompletableFuture<Outcome> dispatchUpload(ObjectRef object) {
        JobSpec spec = specs.scoreSpecFor(object.bucket(), object.name()).orElse(null);
        if (spec == null) {
            return CompletableFuture.completedFuture(Outcome.UNMATCHED);
        }
        JobParameters parameters = new JobParametersBuilder()
                .addString("spec", spec.name())
                .addString("bucket", object.bucket())
                .addString("object", object.name())
                .addLong("generation", object.generation())
                .toJobParameters();
        String identity = spec.name() + "|" + object;
        if (alreadyDone(parameters) || !inFlight.add(identity)) {
            return CompletableFuture.completedFuture(Outcome.DUPLICATE);
        }
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                try {
                    outcome.complete(run(object, parameters));
                } finally {
                    inFlight.remove(identity);
                }
            });
        } catch (RejectedExecutionException full) {
            inFlight.remove(identity);
            outcome.complete(Outcome.BUSY);
        }
        return outcome;
    }

    private boolean alreadyDone(JobParameters parameters) {
        JobInstance instance = jobRepository.getJobInstance(scoreUploadJob.getName(), parameters);
        if (instance == null) {
            return false;
        }
        JobExecution last = jobRepository.getLastJobExecution(instance);
        return last != null && last.getStatus() == BatchStatus.COMPLETED;
    }

    private Outcome run(ObjectRef object, JobParameters parameters) {
        try {
            JobExecution execution = jobOperator.start(scoreUploadJob, parameters);
            if (execution.getStatus() == BatchStatus.COMPLETED) {
                return Outcome.COMPLETED;
            }
            log.warn("scoring {} ended {}: {}", object, execution.getStatus(), execution.getAllFailureExceptions());
            return Outcome.FAILED;
        } catch (JobInstanceAlreadyCompleteException
                | JobExecutionAlreadyRunningException
                | DataIntegrityViolationException duplicate) {
            return Outcome.DUPLICATE;
        } catch (Exception e) {
            log.error("cannot launch scoring of {}", object, e);
            return Outcome.FAILED;
        }
    }
}

package dev.orchard.prefixscoring;

import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelReference;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.Claims;
import dev.orchard.storage.ObjectNames;
import dev.orchard.system.BatchExecutions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;
import org.springframework.batch.core.launch.JobExecutionAlreadyRunningException;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Submits, resumes and reports {@code score-prefix} runs. A run is identified by its id (the
 * command's {@code id}, a Pub/Sub message id, or a generated one): submitting the same run again
 * is a no-op while it runs or after it completed, and resumes it after a failure.
 */
public final class PrefixJobs {

    private static final Logger log = LoggerFactory.getLogger(PrefixJobs.class);
    private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    static final String JOB = "score";

    /** A resume claim this old, whose failed execution is still the last one, was left by a dead worker. */
    static final Duration RESUME_CLAIM_TIMEOUT = Duration.ofMinutes(2);

    private static final EnumSet<BatchStatus> ACTIVE =
            EnumSet.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING);

    private final JobRepository jobRepository;
    private final JobOperator operator;
    private final Job job;
    private final ModelRegistry registry;
    private final PrefixPlanner planner;
    private final BlobStore store;
    private final String outputBucket;
    private final int maxAttempts;
    private final int defaultPartitions;

    PrefixJobs(
            JobRepository jobRepository,
            JobOperator operator,
            Job job,
            ModelRegistry registry,
            PrefixPlanner planner,
            BlobStore store,
            String outputBucket,
            int maxAttempts,
            int defaultPartitions) {
        this.jobRepository = jobRepository;
        this.operator = operator;
        this.job = job;
        this.registry = registry;
        this.planner = planner;
        this.store = store;
        this.outputBucket = outputBucket;
        this.maxAttempts = maxAttempts;
        this.defaultPartitions = defaultPartitions;
    }

    /** What a submission did. */
    public record Submission(String id, String output, int version, boolean existing, String status) {}

    /**
     * Starts (or finds, or resumes) the run. Returns once its execution is recorded in the job
     * repository; the job runs in the background.
     *
     * @throws ModelNotFoundException if the model or the pinned version does not exist
     * @throws IllegalArgumentException if the request is not valid
     */
    public Submission submit(Request request) {
        String run = request.id() == null ? newRunId() : request.id();
        if (!RUN_ID.matcher(run).matches()) {
            throw new IllegalArgumentException(
                    "job id must be 1-100 of [A-Za-z0-9._-], starting with a letter or digit");
        }
        if (run.matches("retrain-[0-9]+")) {
            throw new IllegalArgumentException(
                    "job id '" + run + "' is the form of a retrain run's id; choose another");
        }
        String trimmed = request.prefix().endsWith("/")
                ? request.prefix().substring(0, request.prefix().length() - 1)
                : request.prefix();
        if (!trimmed.isEmpty()) {
            ObjectNames.requireValid(trimmed); // no "..", no absolute paths
        }
        ModelReference reference = request.model();
        String model = reference.name();
        JobParameters identifying = identifying(run, request.bucket(), request.prefix(), model);
        JobInstance instance = jobRepository.getJobInstance(PrefixJobConfiguration.JOB_NAME, identifying);
        if (instance != null) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last != null && (last.getStatus() == BatchStatus.COMPLETED || ACTIVE.contains(last.getStatus()))) {
                return new Submission(
                        run,
                        output(run),
                        version(last.getJobParameters()),
                        true,
                        last.getStatus().name());
            }
            if (last != null) {
                return new Submission(
                        run,
                        output(run),
                        version(last.getJobParameters()),
                        true,
                        restart(last).name());
            }
        }
        int version = resolve(reference);
        JobParametersBuilder builder = new JobParametersBuilder(identifying);
        String trace = dev.orchard.system.TraceIds.currentContext();
        if (dev.orchard.system.TraceIds.idOf(trace) != null) {
            builder.addString(dev.orchard.system.TraceJobListener.PARAMETER, trace, false);
        }
        JobParameters parameters = builder.addString("version", Integer.toString(version), false)
                .addString("output-bucket", outputBucket, false)
                .addString(
                        "partitions",
                        Integer.toString(request.partitions() == null ? defaultPartitions : request.partitions()),
                        false)
                .toJobParameters();
        try {
            JobExecution execution = operator.start(job, parameters);
            log.info(
                    "prefix job {}: scoring gs://{}/{} with {} version {} into {}",
                    run,
                    request.bucket(),
                    request.prefix(),
                    model,
                    version,
                    output(run));
            return new Submission(
                    run, output(run), version, false, execution.getStatus().name());
        } catch (JobExecutionAlreadyRunningException e) {
            return new Submission(run, output(run), version, true, BatchStatus.STARTED.name());
        } catch (Exception e) {
            throw new IllegalStateException("could not start prefix job " + run + ": " + e.getMessage(), e);
        }
    }

    /** Restarts runs whose last execution failed (a crash, once recovered) and that have attempts left. */
    int resumeFailed() {
        int resumed = 0;
        for (JobInstance instance : jobRepository.getJobInstances(PrefixJobConfiguration.JOB_NAME, 0, 200)) {
            List<JobExecution> executions = jobRepository.getJobExecutions(instance);
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last == null
                    || (last.getStatus() != BatchStatus.FAILED && last.getStatus() != BatchStatus.STOPPED)
                    || executions.size() >= maxAttempts) {
                continue;
            }
            log.warn(
                    "prefix job {}: execution {} ended {}; resuming (attempt {} of {})",
                    last.getJobParameters().getString("run"),
                    last.getId(),
                    last.getStatus(),
                    executions.size() + 1,
                    maxAttempts);
            restart(last);
            resumed++;
        }
        return resumed;
    }

    /**
     * Starts the next execution after {@code last} (FAILED or STOPPED), unless another worker claimed
     * that: the claim is a create-only object per failed execution, so of several replicas resuming
     * at once exactly one starts an execution (the job repository alone lets two start, and the
     * loser fails and uses up an attempt). A claim older than {@link #RESUME_CLAIM_TIMEOUT} whose
     * execution is still the last one was left by a worker that died before starting; it is taken over.
     */
    private BatchStatus restart(JobExecution last) {
        String run = last.getJobParameters().getString("run");
        if (run != null && !claimResume(run, last.getId())) {
            log.info("prefix job {}: another worker is resuming it after execution {}", run, last.getId());
            return BatchStatus.STARTING;
        }
        try {
            return operator.start(job, last.getJobParameters()).getStatus();
        } catch (JobExecutionAlreadyRunningException e) {
            return BatchStatus.STARTED;
        } catch (Exception e) {
            throw new IllegalStateException("could not resume prefix job: " + e.getMessage(), e);
        }
    }

    private boolean claimResume(String run, long executionId) {
        Instant now = Instant.now();
        return Claims.claim(
                store, outputBucket, JobOutput.of(outputBucket, JOB, run).resumeClaim(executionId), now, at -> !at.plus(
                                RESUME_CLAIM_TIMEOUT)
                        .isAfter(now));
    }

    /** The run's progress, or empty if there is no such run. */
    public Optional<JobStatus> status(String run) {
        if (!RUN_ID.matcher(run).matches()) {
            return Optional.empty();
        }
        JobOutput output = JobOutput.of(outputBucket, JOB, run);
        Optional<PrefixPlan> plan = planner.read(output);
        if (plan.isEmpty()) {
            return notPlannedYet(run, output);
        }
        PrefixPlan p = plan.get();
        JobInstance instance = jobRepository.getJobInstance(
                PrefixJobConfiguration.JOB_NAME, identifying(run, p.bucket(), p.prefix(), p.model()));
        if (instance == null) {
            return Optional.empty();
        }
        List<JobExecution> executions = jobRepository.getJobExecutions(instance);
        JobExecution last = jobRepository.getLastJobExecution(instance);
        if (last == null) { // its first execution is being created this moment
            return Optional.empty();
        }
        long predicted = 0;
        long errors = 0;
        for (PrefixPlan.Partition partition : p.partitions()) {
            StepExecution step = jobRepository.getLastStepExecution(instance, partitionStep(partition.index()));
            if (step != null) {
                predicted += step.getExecutionContext().getLong(ShardWriter.PREDICTED, 0);
                errors += step.getExecutionContext().getLong(ShardWriter.ERRORS, 0);
            }
        }
        long writtenNow = 0;
        JobExecution reloaded = jobRepository.getJobExecution(last.getId());
        JobExecution current = reloaded == null ? last : reloaded;
        for (StepExecution step : current.getStepExecutions()) {
            if (step.getStepName().startsWith(PrefixJobConfiguration.PARTITION_STEP + ":")) {
                writtenNow += step.getWriteCount();
            }
        }
        LocalDateTime started = last.getStartTime() != null ? last.getStartTime() : last.getCreateTime();
        LocalDateTime ended = last.getEndTime() != null ? last.getEndTime() : LocalDateTime.now();
        double seconds = Math.max(0.001, Duration.between(started, ended).toMillis() / 1000.0);
        double rate = writtenNow / seconds;
        long done = predicted + errors;
        Long eta = last.getStatus() == BatchStatus.COMPLETED
                ? Long.valueOf(0)
                : rate > 0 ? Long.valueOf(Math.round((p.total() - done) / rate)) : null;
        return Optional.of(new JobStatus(
                run,
                JOB,
                BatchExecutions.instant(last.getCreateTime()),
                last.getStatus().name(),
                BatchExecutions.failure(last),
                "gs://" + p.bucket() + "/" + p.prefix(),
                p.model(),
                p.version(),
                p.total(),
                done,
                predicted,
                errors,
                Math.round(rate * 10) / 10.0,
                eta,
                executions.size(),
                "gs://" + outputBucket + "/" + output.directory(),
                store.stat(outputBucket, output.summary()).isPresent()));
    }

    /** A run recorded but not listed yet (or whose listing failed): found among the recent runs. */
    private Optional<JobStatus> notPlannedYet(String run, JobOutput output) {
        for (JobInstance instance : jobRepository.getJobInstances(PrefixJobConfiguration.JOB_NAME, 0, 200)) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last == null || !run.equals(last.getJobParameters().getString("run"))) {
                continue;
            }
            JobParameters parameters = last.getJobParameters();
            return Optional.of(new JobStatus(
                    run,
                    JOB,
                    BatchExecutions.instant(last.getCreateTime()),
                    last.getStatus().name(),
                    BatchExecutions.failure(last),
                    "gs://" + parameters.getString("bucket") + "/" + parameters.getString("prefix"),
                    parameters.getString("model"),
                    version(parameters),
                    0,
                    0,
                    0,
                    0,
                    0,
                    null,
                    jobRepository.getJobExecutions(instance).size(),
                    "gs://" + outputBucket + "/" + output.directory(),
                    false));
        }
        return Optional.empty();
    }

    /**
     * A run to start: score every image under {@code gs://bucket/prefix} with {@code model} (its
     * champion or a pinned version).
     *
     * @param id the run's idempotency key (the same id is the same run); {@code null} for a new one
     * @param partitions most partitions; {@code null} for the configured number
     */
    public record Request(String bucket, String prefix, ModelReference model, String id, Integer partitions) {}

    /**
     * {@code GET /jobs/{id}}.
     *
     * @param job always {@code score}
     */
    public record JobStatus(
            String id,
            String job,
            Instant createdAt,
            String status,
            String failure,
            String input,
            String model,
            int version,
            long objects,
            long processed,
            long predictions,
            long errors,
            double imagesPerSecond,
            Long etaSeconds,
            int executions,
            String output,
            boolean complete) {}

    /** The newest {@code count} runs, newest first: their ids ({@link #status}) and creation times. */
    public List<BatchExecutions.Started> recent(int count) {
        List<BatchExecutions.Started> recent = new java.util.ArrayList<>();
        for (JobInstance instance : jobRepository.getJobInstances(PrefixJobConfiguration.JOB_NAME, 0, count)) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            String run = last == null ? null : last.getJobParameters().getString("run");
            if (run != null) {
                recent.add(new BatchExecutions.Started(run, BatchExecutions.instant(last.getCreateTime())));
            }
        }
        return recent;
    }

    static String partitionStep(int partition) {
        return PrefixJobConfiguration.PARTITION_STEP + ":" + String.format(Locale.ROOT, "partition-%05d", partition);
    }

    private String output(String run) {
        return "gs://" + outputBucket + "/"
                + JobOutput.of(outputBucket, JOB, run).directory();
    }

    private int resolve(ModelReference reference) {
        String model = reference.name();
        if (reference.champion()) {
            return registry.champion(model)
                    .map(Alias::version)
                    .orElseThrow(() -> new ModelNotFoundException("model '" + model + "' has no champion"));
        }
        int version = reference.version();
        registry.manifest(model, version)
                .orElseThrow(() -> new ModelNotFoundException("model '" + model + "' has no version " + version));
        return version;
    }

    private static JobParameters identifying(String run, String bucket, String prefix, String model) {
        return new JobParametersBuilder()
                .addString("job", JOB)
                .addString("run", run)
                .addString("bucket", bucket)
                .addString("prefix", prefix)
                .addString("model", model)
                .toJobParameters();
    }

    private static int version(JobParameters parameters) {
        String version = parameters.getString("version");
        return version == null ? 0 : Integer.parseInt(version);
    }

    private static String newRunId() {
        return LocalDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT))
                + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}

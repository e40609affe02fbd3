package dev.orchard.retrain;

import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelNames;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.system.BatchExecutions;
import dev.orchard.system.TraceIds;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.ModelTraining;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import tools.jackson.databind.json.JsonMapper;

/**
 * Submits, resumes and reports {@code retrain} runs. A run is one job instance, identified by the
 * model, the data's fingerprint and the recipe's digest: asking again for a retrain that is running
 * or done finds it (on any worker sharing the job repository) instead of training twice, and asking
 * again after it failed resumes it. Data a version already learned from with the same recipe is
 * {@link RetrainOutcome#UNCHANGED} unless forced; a forced retrain is always a new run.
 */
public final class RetrainRuns {

    private static final Logger log = LoggerFactory.getLogger(RetrainRuns.class);
    static final String JOB_NAME = "retrain";
    private static final Pattern RUN_ID = Pattern.compile("retrain-([0-9]{1,18})");
    private static final EnumSet<BatchStatus> ACTIVE =
            EnumSet.of(BatchStatus.STARTING, BatchStatus.STARTED, BatchStatus.STOPPING);
    private static final List<String> STEPS = List.of(
            RetrainSteps.SNAPSHOT,
            RetrainSteps.TRAIN,
            RetrainSteps.EVALUATE,
            RetrainSteps.GATE,
            RetrainSteps.REGISTER,
            RetrainSteps.PROMOTE);

    private final JobRepository jobRepository;
    private final JobOperator operator;
    private final Job job;
    private final ModelRegistry registry;
    private final ModelTraining training;
    private final BlobStore store;
    private final RetrainStaging staging;
    private final RetrainProperties properties;
    private final JsonMapper json;

    RetrainRuns(
            JobRepository jobRepository,
            JobOperator operator,
            Job job,
            ModelRegistry registry,
            ModelTraining training,
            BlobStore store,
            RetrainStaging staging,
            RetrainProperties properties,
            JsonMapper json) {
        this.jobRepository = jobRepository;
        this.operator = operator;
        this.job = job;
        this.registry = registry;
        this.training = training;
        this.store = store;
        this.staging = staging;
        this.properties = properties;
        this.json = json;
    }

    /**
     * What a submission did.
     *
     * @param id the run ({@code GET /jobs/{id}}); {@code null} when nothing needed training
     * @param status the run's batch status, or {@code UNCHANGED}
     * @param existing the run existed already (running, done, or resumed now)
     * @param version for {@link RetrainOutcome#UNCHANGED}: the version that learned from this data
     */
    public record Submission(
            String id,
            String model,
            String status,
            boolean existing,
            RetrainOutcome outcome,
            Integer version,
            String fingerprint) {}

    static String runId(long instanceId) {
        return "retrain-" + instanceId;
    }

    /**
     * Checks the request (unknown model, no recipe, bad thresholds: thrown here), pins the data it
     * will train on, and starts the run — or finds it. Returns once the execution is recorded; the
     * retrain runs in the background, one at a time per worker.
     *
     * @throws ModelNotFoundException if there is neither a retrain spec nor a champion to take the recipe from
     * @throws IllegalArgumentException if the request cannot be run as asked
     */
    public Submission submit(RetrainRequest request) {
        String model = request.model();
        ModelNames.requireValid(model);
        checkThreshold("min-accuracy", request.minAccuracy());
        checkThreshold("max-regression", request.maxRegression());
        Recipe recipe = recipe(request);
        training.check(recipe.trainer(), recipe.params());
        DatasetSnapshot snapshot = DatasetSnapshot.of(store, DatasetSnapshot.Location.parse(recipe.dataset()));
        String fingerprint = snapshot.fingerprint();
        if (snapshot.labels().size() < 2) {
            throw new IllegalArgumentException(
                    snapshot.uri() + " has " + snapshot.labels().size()
                            + " label(s) in " + snapshot.objects().size()
                            + " images; training needs at least two (<prefix><label>/<image>, or two labels in the manifest)");
        }
        if (!request.force()) {
            Optional<ModelManifest> same = learnedFrom(model, recipe, fingerprint);
            if (same.isPresent()) {
                log.info(
                        "retrain {}: version {} already learned from this data with this recipe; nothing to do",
                        model,
                        same.get().version());
                return new Submission(
                        null,
                        model,
                        "UNCHANGED",
                        true,
                        RetrainOutcome.UNCHANGED,
                        same.get().version(),
                        fingerprint);
            }
        }
        String forced = request.force() ? UUID.randomUUID().toString().substring(0, 8) : null;
        synchronized (this) {
            JobParameters identifying = RetrainParameters.identifying(model, fingerprint, recipe.digest(), forced);
            Optional<Submission> existing = existing(identifying, snapshot);
            if (existing.isPresent()) {
                return existing.get();
            }
            String stagingId =
                    fingerprint.substring(0, 12) + "-" + recipe.digest() + (forced == null ? "" : "-" + forced);
            staging.writeSnapshot(model, stagingId, snapshot);
            RetrainParameters parameters = new RetrainParameters(
                    model,
                    fingerprint,
                    recipe.digest(),
                    forced,
                    recipe.dataset(),
                    recipe.trainer(),
                    recipe.params(),
                    request.minAccuracy() != null ? request.minAccuracy() : properties.minAccuracy(),
                    request.maxRegression() != null ? request.maxRegression() : properties.maxRegression(),
                    request.promote() != null ? request.promote() : properties.promote(),
                    request.by() == null ? "unknown" : request.by(),
                    stagingId);
            String trace = TraceIds.currentContext();
            try {
                JobExecution execution = operator.start(
                        job, parameters.toJobParameters(json, TraceIds.idOf(trace) != null ? trace : null));
                String id = runId(execution.getJobInstance().getInstanceId());
                log.info(
                        "retrain {}: run {} on {} ({} images, fingerprint {}) with {}",
                        model,
                        id,
                        recipe.dataset(),
                        snapshot.objects().size(),
                        fingerprint.substring(0, 12),
                        recipe.trainer());
                return new Submission(id, model, execution.getStatus().name(), false, null, null, fingerprint);
            } catch (Exception e) {
                // another worker sharing the job repository created the same run a moment earlier
                return existing(identifying, snapshot)
                        .orElseThrow(() -> new IllegalStateException(
                                "could not start a retrain of " + model + ": " + e.getMessage(), e));
            }
        }
    }

    private Recipe recipe(RetrainRequest request) {
        if (request.recipe() != null) {
            return request.recipe();
        }
        String model = request.model();
        ModelManifest champion = registry.champion(model)
                .map(a -> registry.manifest(model, a.version())
                        .orElseThrow(() -> new ModelNotFoundException(
                                "model '" + model + "' champion version " + a.version() + " is missing")))
                .orElseThrow(() -> new ModelNotFoundException("model '" + model
                        + "' has no champion to take a recipe from and no retrain spec (jobs/*.yaml, kind: retrain)"));
        Recipe recipe = Recipe.of(champion);
        if (recipe == null) {
            throw new IllegalArgumentException("model '" + model + "' version " + champion.version()
                    + " was not trained by Orchard (no dataset and trainer in its manifest);"
                    + " register new versions, or give the model a retrain spec");
        }
        return recipe;
    }

    /** The version of {@code model} that learned from {@code fingerprint} with {@code recipe}: the champion first. */
    private Optional<ModelManifest> learnedFrom(String model, Recipe recipe, String fingerprint) {
        Optional<Integer> champion = registry.champion(model).map(a -> a.version());
        return registry.versions(model).stream()
                .filter(v -> recipe.madeOf(v) && fingerprint.equals(v.dataset().fingerprint()))
                .sorted((a, b) -> Boolean.compare(
                        champion.equals(Optional.of(b.version())), champion.equals(Optional.of(a.version()))))
                .findFirst();
    }

    /**
     * The run with these identifying parameters, if any: running or done as it is; failed → resumed,
     * with its snapshot pinned again (the same data: the fingerprint is part of its identity), until
     * it has been started {@code orchard.retrain.max-attempts} times.
     */
    private Optional<Submission> existing(JobParameters identifying, DatasetSnapshot snapshot) {
        JobInstance instance = jobRepository.getJobInstance(JOB_NAME, identifying);
        if (instance == null) {
            return Optional.empty();
        }
        JobExecution last = jobRepository.getLastJobExecution(instance);
        String id = runId(instance.getInstanceId());
        String model = identifying.getString("model");
        String fingerprint = identifying.getString("fingerprint");
        if (last == null) { // another worker is creating its first execution this moment
            return Optional.of(new Submission(id, model, BatchStatus.STARTING.name(), true, null, null, fingerprint));
        }
        if (last.getStatus() == BatchStatus.COMPLETED || ACTIVE.contains(last.getStatus())) {
            RetrainStatus status = status(instance);
            return Optional.of(
                    new Submission(id, model, status.status(), true, status.outcome(), status.version(), fingerprint));
        }
        int executions = jobRepository.getJobExecutions(instance).size();
        if (executions >= properties.maxAttempts()) {
            // a trigger asking every minute must not retrain the same broken data forever
            log.info(
                    "retrain run {} failed {} times; not restarted (retrain with force for a new run)", id, executions);
            return Optional.of(new Submission(id, model, last.getStatus().name(), true, null, null, fingerprint));
        }
        RetrainParameters failed = RetrainParameters.of(last.getJobParameters(), json);
        staging.writeSnapshot(model, failed.staging(), snapshot);
        return Optional.of(new Submission(id, model, restart(last).name(), true, null, null, fingerprint));
    }

    private BatchStatus restart(JobExecution last) {
        try {
            return operator.start(job, last.getJobParameters()).getStatus();
        } catch (Exception e) {
            log.info(
                    "retrain run {}: not restarted here ({}); another worker may have",
                    runId(last.getJobInstance().getInstanceId()),
                    e.toString());
            return BatchStatus.STARTING;
        }
    }

    /**
     * Restarts runs whose last execution failed for a reason other than their data or request (a
     * crash, once recovered; a storage outage) and that have attempts left.
     */
    int resumeFailed() {
        int resumed = 0;
        for (JobInstance instance : jobRepository.getJobInstances(JOB_NAME, 0, 200)) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last == null
                    || (last.getStatus() != BatchStatus.FAILED && last.getStatus() != BatchStatus.STOPPED)
                    || last.getExitStatus().getExitDescription().startsWith(IllegalArgumentException.class.getName())) {
                continue;
            }
            int executions = jobRepository.getJobExecutions(instance).size();
            if (executions >= properties.maxAttempts()) {
                continue;
            }
            log.warn(
                    "retrain run {}: execution {} ended {}; resuming (attempt {} of {})",
                    runId(instance.getInstanceId()),
                    last.getId(),
                    last.getStatus(),
                    executions + 1,
                    properties.maxAttempts());
            restart(last);
            resumed++;
        }
        return resumed;
    }

    /** Whether a retrain of {@code model} is running on any worker sharing the job repository. */
    public boolean running(String model) {
        return jobRepository.findRunningJobExecutions(JOB_NAME).stream()
                .anyMatch(e -> model.equals(e.getJobParameters().getString("model")));
    }

    /** The newest {@code count} runs, newest first: their ids ({@link #status}) and creation times. */
    public List<BatchExecutions.Started> recent(int count) {
        List<BatchExecutions.Started> recent = new ArrayList<>();
        for (JobInstance instance : jobRepository.getJobInstances(JOB_NAME, 0, count)) {
            JobExecution last = jobRepository.getLastJobExecution(instance);
            if (last != null) {
                recent.add(new BatchExecutions.Started(
                        runId(instance.getInstanceId()), BatchExecutions.instant(last.getCreateTime())));
            }
        }
        return recent;
    }

    /** The run's status, or empty if there is no such run. */
    public Optional<RetrainStatus> status(String id) {
        Matcher matcher = RUN_ID.matcher(id);
        if (!matcher.matches()) {
            return Optional.empty();
        }
        JobInstance instance = jobRepository.getJobInstance(Long.parseLong(matcher.group(1)));
        if (instance == null
                || !JOB_NAME.equals(instance.getJobName())
                || jobRepository.getLastJobExecution(instance) == null) { // being created this moment
            return Optional.empty();
        }
        return Optional.of(status(instance));
    }

    private RetrainStatus status(JobInstance instance) {
        JobExecution last = jobRepository.getLastJobExecution(instance);
        if (last == null) {
            throw new IllegalStateException("retrain run " + runId(instance.getInstanceId()) + " has no execution yet");
        }
        RetrainParameters p = RetrainParameters.of(last.getJobParameters(), json);
        List<RetrainStatus.Step> steps = new ArrayList<>();
        RetrainOutcome outcome = null;
        Integer version = null;
        boolean gated = false;
        for (String name : STEPS) {
            StepExecution step = jobRepository.getLastStepExecution(instance, name);
            if (step == null) {
                continue;
            }
            Map<String, Object> progress = new LinkedHashMap<>();
            step.getExecutionContext().entrySet().stream()
                    .filter(e -> !e.getKey().startsWith("batch."))
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(e -> progress.put(e.getKey(), e.getValue()));
            steps.add(new RetrainStatus.Step(
                    name,
                    step.getStatus().name(),
                    BatchExecutions.instant(step.getStartTime()),
                    BatchExecutions.instant(step.getEndTime()),
                    progress));
            if (step.getStatus() == BatchStatus.COMPLETED) {
                gated |= name.equals(RetrainSteps.GATE);
                if (step.getExecutionContext().containsKey("version")) {
                    version = step.getExecutionContext().getInt("version");
                }
                if (step.getExecutionContext().containsKey("outcome")) {
                    outcome = RetrainOutcome.valueOf(step.getExecutionContext().getString("outcome"));
                }
            }
        }
        return new RetrainStatus(
                runId(instance.getInstanceId()),
                JOB_NAME,
                p.model(),
                last.getStatus().name(),
                outcome,
                version,
                BatchExecutions.failure(last),
                p.dataset(),
                p.fingerprint(),
                p.trainer(),
                p.params(),
                new RetrainStatus.Thresholds(p.minAccuracy(), p.maxRegression(), p.promote()),
                p.by(),
                jobRepository.getJobExecutions(instance).size(),
                BatchExecutions.instant(last.getCreateTime()),
                BatchExecutions.instant(last.getEndTime()),
                steps,
                gated ? staging.gate(p) : null);
    }

    /**
     * How many labelled objects of {@code recipe}'s dataset the champion has not learned from (new
     * objects and new generations): compared with the champion's {@code dataset.jsonl}, or by count
     * for a champion trained before snapshots were stored. All of them when there is no champion.
     */
    public int newObjects(String model, Recipe recipe) {
        DatasetSnapshot snapshot = DatasetSnapshot.of(store, DatasetSnapshot.Location.parse(recipe.dataset()));
        Optional<ModelManifest> champion = registry.champion(model).flatMap(a -> registry.manifest(model, a.version()));
        if (champion.isEmpty()) {
            return snapshot.objects().size();
        }
        Optional<Blob> learned = store.get(
                registry.bucket(),
                "models/" + model + "/versions/" + champion.get().version() + "/dataset.jsonl");
        if (learned.isPresent()) {
            return snapshot.newSince(learned.get().content());
        }
        int before =
                champion.get().dataset() == null ? 0 : champion.get().dataset().objects();
        return Math.max(0, snapshot.objects().size() - before);
    }

    private static void checkThreshold(String name, Double value) {
        if (value != null && (value.isNaN() || value < 0 || value > 1)) {
            throw new IllegalArgumentException("\"" + name + "\" must be between 0 and 1, got " + value);
        }
    }
}

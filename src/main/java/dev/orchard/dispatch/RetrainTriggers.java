package dev.orchard.dispatch;

import dev.orchard.drift.DriftClaims;
import dev.orchard.drift.DriftReport;
import dev.orchard.drift.DriftReports;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.retrain.RetrainOutcome;
import dev.orchard.retrain.RetrainProperties;
import dev.orchard.retrain.RetrainRuns;
import dev.orchard.training.ModelTraining;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.scheduling.support.CronTrigger;
import org.springframework.stereotype.Component;

/**
 * Starts the retrains of {@code kind: retrain} specs by themselves: on their cron {@code schedule}
 * (UTC), and when {@code new-objects} labelled objects arrived since the champion's snapshot
 * (checked every {@code orchard.retrain.watch-interval}). Both send the same retrain command as
 * {@code POST /jobs} and Pub/Sub ({@link JobDispatcher#retrain}), so unchanged data trains nothing
 * and replicas firing together train once (the job repository refuses the second run). A trigger
 * does not fire while a retrain of its model runs on any worker.
 *
 * <p>Each spec's trainer and parameters are checked when the worker starts: a spec naming an unknown
 * trainer or parameter stops start-up like any other bad spec.
 */
@Component
final class RetrainTriggers {

    private static final Logger log = LoggerFactory.getLogger(RetrainTriggers.class);

    private final JobSpecs specs;
    private final JobDispatcher dispatcher;
    private final RetrainRuns runs;
    private final RetrainProperties properties;
    private final DriftSignals drift;
    private final ThreadPoolTaskScheduler scheduler;
    private final List<ScheduledFuture<?>> scheduled = new CopyOnWriteArrayList<>();

    RetrainTriggers(
            JobSpecs specs,
            JobDispatcher dispatcher,
            RetrainRuns runs,
            ModelTraining training,
            RetrainProperties properties,
            DriftSignals drift) {
        this.specs = specs;
        this.dispatcher = dispatcher;
        this.runs = runs;
        this.properties = properties;
        this.drift = drift;
        for (RetrainSpec spec : specs.retrainSpecs()) {
            try {
                training.check(spec.trainer(), spec.params());
            } catch (IllegalArgumentException e) {
                throw new InvalidJobSpecException(spec.file(), "trainer", e.getMessage());
            }
        }
        this.scheduler = new ThreadPoolTaskScheduler();
        this.scheduler.setPoolSize(1);
        this.scheduler.setThreadNamePrefix("orchard-retrain-trigger-");
        this.scheduler.initialize();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        for (RetrainSpec spec : specs.retrainSpecs()) {
            if (spec.schedule() != null) {
                scheduled.add(scheduler.schedule(
                        () -> fire(spec, "schedule"), new CronTrigger(spec.schedule(), ZoneOffset.UTC)));
            }
            if (spec.newObjects() != null) {
                scheduled.add(scheduler.scheduleWithFixedDelay(() -> watch(spec), properties.watchInterval()));
            }
            if (spec.drift() != null) {
                scheduled.add(scheduler.scheduleWithFixedDelay(() -> watchDrift(spec), drift.interval()));
            }
            log.info(
                    "spec {} retrains '{}' with {} on {}{}{}{}",
                    spec.name(),
                    spec.model(),
                    spec.trainer(),
                    spec.dataset(),
                    spec.schedule() == null ? "" : ", on schedule '" + spec.schedule() + "' (UTC)",
                    spec.newObjects() == null
                            ? ""
                            : ", after " + spec.newObjects() + " new labelled objects (checked every "
                                    + properties.watchInterval().toSeconds() + " s)",
                    spec.drift() == null
                            ? ""
                            : ", on drift: " + spec.drift().measure().id() + "("
                                    + spec.drift().statistic().id() + ") > "
                                    + spec.drift().threshold() + " in the "
                                    + spec.drift().window().id() + " window (cool-down "
                                    + spec.drift().coolDown() + ")");
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        scheduled.forEach(f -> f.cancel(false));
        scheduled.clear();
        scheduler.shutdown();
    }

    /** Starts a retrain of {@code spec} unless one of its model runs. */
    Optional<RetrainRuns.Submission> fire(RetrainSpec spec, String trigger) {
        return fire(spec, trigger, null);
    }

    /** {@link #fire(RetrainSpec, String)}, with why in the run's {@code by} (audit log, provenance). */
    private Optional<RetrainRuns.Submission> fire(RetrainSpec spec, String trigger, String why) {
        try {
            if (runs.running(spec.model())) {
                log.info(
                        "spec {}: a retrain of '{}' is running; the {} trigger waits",
                        spec.name(),
                        spec.model(),
                        trigger);
                return Optional.empty();
            }
            RetrainRuns.Submission submission = dispatcher.retrain(new JobRequest.Retrain(
                    spec.model(), false, trigger + ":" + spec.name() + (why == null ? "" : " (" + why + ")")));
            log.info(
                    "spec {}: {} retrain of '{}': {}{}",
                    spec.name(),
                    trigger,
                    spec.model(),
                    submission.status(),
                    submission.id() == null ? "" : " (run " + submission.id() + ")");
            return Optional.of(submission);
        } catch (RuntimeException e) {
            log.error(
                    "spec {}: could not start a {} retrain of '{}': {}",
                    spec.name(),
                    trigger,
                    spec.model(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Fires when the spec's {@code trigger.drift} is crossed, unless its cool-down (claimed in the
     * bucket, so across replicas) has not passed. Drift with no new labelled data trains nothing:
     * the retrain is refused as unchanged, which is logged and kept for the drift route.
     */
    Optional<RetrainRuns.Submission> watchDrift(RetrainSpec spec) {
        try {
            DriftReport report = drift.reports().report(spec.model());
            Optional<String> reason = DriftReports.crossing(report, spec.drift());
            if (reason.isEmpty()) {
                return Optional.empty();
            }
            if (runs.running(spec.model())) {
                log.info("spec {}: {}; a retrain of '{}' is running", spec.name(), reason.get(), spec.model());
                return Optional.empty();
            }
            Optional<DriftClaims.Firing> claimed = drift.claims()
                    .claim(spec.model(), spec.name(), reason.get(), spec.drift().coolDown());
            if (claimed.isEmpty()) {
                log.debug("spec {}: {}, within the cool-down", spec.name(), reason.get());
                return Optional.empty();
            }
            drift.registry()
                    .audit(
                            spec.model(),
                            new ModelRegistry.AuditEntry(
                                    "drift",
                                    report.version(),
                                    null,
                                    "drift:" + spec.name(),
                                    reason.get(),
                                    claimed.get().firedAt()));
            log.info("spec {}: {}: retraining '{}'", spec.name(), reason.get(), spec.model());
            Optional<RetrainRuns.Submission> submission = fire(spec, "drift", reason.get());
            drift.claims().record(spec.model(), outcome(spec, claimed.get(), submission));
            return submission;
        } catch (ModelNotFoundException e) {
            log.debug("spec {}: no drift to check: {}", spec.name(), e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            log.error("spec {}: cannot check drift of '{}': {}", spec.name(), spec.model(), e.toString());
            return Optional.empty();
        }
    }

    private static DriftClaims.Firing outcome(
            RetrainSpec spec, DriftClaims.Firing firing, Optional<RetrainRuns.Submission> submission) {
        if (submission.isEmpty()) {
            return firing.with("failed", null, "the retrain could not be started (see the worker's log)");
        }
        RetrainRuns.Submission s = submission.get();
        if (s.outcome() == RetrainOutcome.UNCHANGED) {
            String detail = "no new labelled data in " + spec.dataset() + " since version " + s.version()
                    + " learned it: drift is reported, not retrained on";
            log.warn("spec {}: {}", spec.name(), detail);
            return firing.with("unchanged", null, detail);
        }
        return firing.with("started", s.id(), s.status());
    }

    /** What the drift trigger needs: reports, the cool-down claims, the registry's audit log, how often to look. */
    record DriftSignals(
            DriftReports reports, DriftClaims claims, ModelRegistry registry, java.time.Duration interval) {}

    /** Counts the new labelled objects and fires when there are enough. */
    Optional<RetrainRuns.Submission> watch(RetrainSpec spec) {
        try {
            int fresh = runs.newObjects(spec.model(), spec.recipe());
            if (fresh < spec.newObjects()) {
                log.debug("spec {}: {} new labelled objects of {} needed", spec.name(), fresh, spec.newObjects());
                return Optional.empty();
            }
            log.info(
                    "spec {}: {} new labelled objects in {} (threshold {}): retraining '{}'",
                    spec.name(),
                    fresh,
                    spec.dataset(),
                    spec.newObjects(),
                    spec.model());
            return fire(spec, "new-objects");
        } catch (RuntimeException e) {
            log.error("spec {}: cannot count new objects in {}: {}", spec.name(), spec.dataset(), e.getMessage());
            return Optional.empty();
        }
    }
}

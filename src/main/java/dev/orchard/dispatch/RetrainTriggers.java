package dev.orchard.dispatch;

import dev.orchard.retrain.RetrainProperties;
import dev.orchard.retrain.Retrainer;
import dev.orchard.training.ModelTraining;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
 * (checked every {@code orchard.retrain.watch-interval}). Both go through {@link Retrainer}, so
 * unchanged data trains nothing and replicas firing together train once. A trigger does not fire
 * again while its previous retrain runs.
 *
 * <p>Each spec's trainer and parameters are checked when the worker starts: a spec naming an unknown
 * trainer or parameter stops start-up like any other bad spec.
 */
@Component
class RetrainTriggers {

    private static final Logger log = LoggerFactory.getLogger(RetrainTriggers.class);

    private final JobSpecs specs;
    private final Retrainer retrainer;
    private final RetrainProperties properties;
    private final ThreadPoolTaskScheduler scheduler;
    private final List<ScheduledFuture<?>> scheduled = new CopyOnWriteArrayList<>();
    private final Map<String, CompletableFuture<Retrainer.Result>> inFlight = new ConcurrentHashMap<>();

    RetrainTriggers(JobSpecs specs, Retrainer retrainer, ModelTraining training, RetrainProperties properties) {
        this.specs = specs;
        this.retrainer = retrainer;
        this.properties = properties;
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
            log.info(
                    "spec {} retrains '{}' with {} on {}{}{}",
                    spec.name(),
                    spec.model(),
                    spec.trainer(),
                    spec.dataset(),
                    spec.schedule() == null ? "" : ", on schedule '" + spec.schedule() + "' (UTC)",
                    spec.newObjects() == null
                            ? ""
                            : ", after " + spec.newObjects() + " new labelled objects (checked every "
                                    + properties.watchInterval().toSeconds() + " s)");
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        scheduled.forEach(f -> f.cancel(false));
        scheduled.clear();
        scheduler.shutdown();
    }

    /** Starts a retrain of {@code spec} unless this trigger's previous one still runs. */
    Optional<CompletableFuture<Retrainer.Result>> fire(RetrainSpec spec, String trigger) {
        String key = spec.name() + "|" + trigger;
        CompletableFuture<Retrainer.Result> previous = inFlight.get(key);
        if (previous != null && !previous.isDone()) {
            log.info(
                    "spec {}: {} retrain of '{}' still running; not started again", spec.name(), trigger, spec.model());
            return Optional.empty();
        }
        try {
            CompletableFuture<Retrainer.Result> result =
                    retrainer.submit(spec.request(false, null, null, null, trigger + ":" + spec.name()));
            inFlight.put(key, result);
            result.whenComplete((r, e) -> {
                if (e != null) {
                    log.error(
                            "spec {}: {} retrain of '{}' failed: {}", spec.name(), trigger, spec.model(), e.toString());
                } else {
                    log.info(
                            "spec {}: {} retrain of '{}': {}{}",
                            spec.name(),
                            trigger,
                            spec.model(),
                            r.status(),
                            r.version() == null ? "" : " (version " + r.version() + ")");
                }
            });
            return Optional.of(result);
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

    /** Counts the new labelled objects and fires when there are enough. */
    Optional<CompletableFuture<Retrainer.Result>> watch(RetrainSpec spec) {
        try {
            int fresh = retrainer.newObjects(spec.model(), spec.recipe());
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

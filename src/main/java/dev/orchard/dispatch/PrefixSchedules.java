package dev.orchard.dispatch;

import dev.orchard.prefixscoring.PrefixJobs;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
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
 * Runs {@code kind: score-prefix} specs on their cron schedule (UTC). A run's id is the spec name
 * and the minute it fired ({@code nightly-20261122-0200}), so every replica firing the same tick
 * submits the same run and exactly one executes.
 */
@Component
class PrefixSchedules {

    private static final Logger log = LoggerFactory.getLogger(PrefixSchedules.class);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final JobSpecs specs;
    private final PrefixJobs jobs;
    private final ThreadPoolTaskScheduler scheduler;
    private final List<ScheduledFuture<?>> scheduled = new CopyOnWriteArrayList<>();

    PrefixSchedules(JobSpecs specs, PrefixJobs jobs) {
        this.specs = specs;
        this.jobs = jobs;
        this.scheduler = new ThreadPoolTaskScheduler(); // its own: Pub/Sub brings schedulers of its own
        this.scheduler.setPoolSize(1);
        this.scheduler.setThreadNamePrefix("orchard-schedule-");
        this.scheduler.initialize();
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        for (PrefixJobSpec spec : specs.prefixSpecs()) {
            if (spec.schedule() != null) {
                scheduled.add(scheduler.schedule(
                        () -> fire(spec, Instant.now()), new CronTrigger(spec.schedule(), ZoneOffset.UTC)));
                log.info(
                        "spec {} scores gs://{}/{} with {} on schedule '{}' (UTC)",
                        spec.name(),
                        spec.bucket(),
                        spec.prefixTemplate(),
                        spec.model(),
                        spec.schedule());
            }
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        scheduled.forEach(f -> f.cancel(false));
        scheduled.clear();
        scheduler.shutdown();
    }

    /** Submits the run of {@code spec} for the minute of {@code at}; empty if it could not be submitted. */
    Optional<PrefixJobs.Submission> fire(PrefixJobSpec spec, Instant at) {
        Instant minute = at.truncatedTo(ChronoUnit.MINUTES);
        String run = spec.name() + "-" + MINUTE.format(minute);
        try {
            PrefixJobs.Submission submission = jobs.submit(new PrefixJobs.Request(
                    spec.bucket(),
                    spec.prefixOn(minute.atZone(ZoneOffset.UTC).toLocalDate()),
                    spec.model(),
                    run,
                    spec.partitions()));
            log.info("spec {}: run {} {}", spec.name(), run, submission.existing() ? "already submitted" : "started");
            return Optional.of(submission);
        } catch (RuntimeException e) {
            log.error("spec {}: could not start run {}: {}", spec.name(), run, e.getMessage());
            return Optional.empty();
        }
    }
}

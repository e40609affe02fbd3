package dev.orchard.prefixscoring;

import dev.orchard.system.PeriodicTasks;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps prefix jobs moving without anyone re-sending the command: restarts runs left FAILED (by a
 * crash, once stale-execution recovery marked them) while they have attempts left, and logs the
 * progress of running ones.
 */
@Component
class PrefixJobResumer {

    private static final Logger log = LoggerFactory.getLogger(PrefixJobResumer.class);

    /** How often running jobs' progress is logged. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(10);

    private final PrefixJobs jobs;
    private final JobRepository jobRepository;
    private final PeriodicTasks periodicTasks;
    private final Duration resumeInterval;

    PrefixJobResumer(
            PrefixJobs jobs, JobRepository jobRepository, PeriodicTasks periodicTasks, PrefixJobProperties properties) {
        this.jobs = jobs;
        this.jobRepository = jobRepository;
        this.periodicTasks = periodicTasks;
        this.resumeInterval = properties.resumeInterval();
    }

    /** Resumes once at start, then every {@code orchard.prefix-jobs.resume-interval}; logs progress. */
    @EventListener(ApplicationReadyEvent.class)
    void start() {
        periodicTasks.every("resuming prefix jobs", resumeInterval, this::resume);
        periodicTasks.every("prefix job progress", PROGRESS_INTERVAL, this::progress);
        resume();
    }

    void resume() {
        try {
            jobs.resumeFailed();
        } catch (RuntimeException e) {
            log.warn("could not look for prefix jobs to resume: {}", e.getMessage());
        }
    }

    void progress() {
        for (JobExecution execution : jobRepository.findRunningJobExecutions(PrefixJobConfiguration.JOB_NAME)) {
            String run = execution.getJobParameters().getString("run");
            if (run == null || execution.getStatus() != BatchStatus.STARTED) {
                continue;
            }
            jobs.status(run)
                    .ifPresent(s -> log.info(
                            "prefix job {}: {}/{} images ({} errors), {} images/s, ETA {}",
                            s.id(),
                            s.processed(),
                            s.objects(),
                            s.errors(),
                            s.imagesPerSecond(),
                            s.etaSeconds() == null ? "unknown" : s.etaSeconds() + " s"));
        }
    }
}

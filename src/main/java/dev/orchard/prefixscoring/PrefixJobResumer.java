package dev.orchard.prefixscoring;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps prefix jobs moving without anyone re-sending the command: restarts runs left FAILED (by a
 * crash, once stale-execution recovery marked them) while they have attempts left, and logs the
 * progress of running ones.
 */
@Component
class PrefixJobResumer {

    private static final Logger log = LoggerFactory.getLogger(PrefixJobResumer.class);

    private final PrefixJobs jobs;
    private final JobRepository jobRepository;

    PrefixJobResumer(PrefixJobs jobs, JobRepository jobRepository) {
        this.jobs = jobs;
        this.jobRepository = jobRepository;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(
            fixedDelayString = "${orchard.prefix-jobs.resume-interval:30s}",
            initialDelayString = "${orchard.prefix-jobs.resume-interval:30s}")
    void resume() {
        try {
            jobs.resumeFailed();
        } catch (RuntimeException e) {
            log.warn("could not look for prefix jobs to resume: {}", e.getMessage());
        }
    }

    @Scheduled(fixedDelayString = "${orchard.prefix-jobs.progress-interval:10s}", initialDelay = 10_000)
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

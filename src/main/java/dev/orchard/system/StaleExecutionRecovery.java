package dev.orchard.system;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Marks job executions left STARTED by a worker that died (kill -9, lost instance) as FAILED with
 * {@link JobOperator#recover}, so no execution stays STARTED forever. An execution counts as stale
 * when it has not been updated for {@code orchard.batch.stale-after}; score windows take seconds,
 * so a live worker's executions are never touched and replicas can share one job repository.
 * Their uploads are not lost: they were never acknowledged, so their trigger offers them again and
 * the upload ledger hands them out once the dead worker's claims expire.
 */
@Component
@ConditionalOnBooleanProperty(name = "orchard.batch.recover-stale", matchIfMissing = true)
class StaleExecutionRecovery {

    private static final Logger log = LoggerFactory.getLogger(StaleExecutionRecovery.class);

    private final JobRepository jobRepository;
    private final JobOperator jobOperator;
    private final Duration staleAfter;
    private final Duration checkInterval;
    private final PeriodicTasks periodicTasks;
    private final Clock clock;

    StaleExecutionRecovery(
            JobRepository jobRepository,
            JobOperator jobOperator,
            BatchProperties properties,
            PeriodicTasks periodicTasks) {
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
        this.staleAfter = properties.staleAfter();
        this.checkInterval = properties.staleCheckInterval();
        this.periodicTasks = periodicTasks;
        this.clock = Clock.systemDefaultZone();
    }

    /** Once at start, then every {@code orchard.batch.stale-check-interval} (scheduled first: a failing first run must not cancel the later ones). */
    @EventListener(ApplicationReadyEvent.class)
    void onStart() {
        periodicTasks.every("stale-execution recovery", checkInterval, this::recover);
        recover();
    }

    /**
     * When the execution last showed life: its own update, or any of its steps' (a long job's
     * execution row is only written at start and end, but its steps commit every chunk).
     */
    private LocalDateTime lastTouched(JobExecution execution) {
        LocalDateTime touched =
                execution.getLastUpdated() != null ? execution.getLastUpdated() : execution.getCreateTime();
        JobExecution loaded = jobRepository.getJobExecution(execution.getId());
        if (loaded != null) {
            for (var step : loaded.getStepExecutions()) {
                LocalDateTime updated = step.getLastUpdated();
                if (updated != null && (touched == null || updated.isAfter(touched))) {
                    touched = updated;
                }
            }
        }
        return touched;
    }

    int recover() {
        LocalDateTime cutoff = LocalDateTime.ofInstant(clock.instant().minus(staleAfter), ZoneId.systemDefault());
        int recovered = 0;
        for (String jobName : jobRepository.getJobNames()) {
            for (JobExecution execution : jobRepository.findRunningJobExecutions(jobName)) {
                LocalDateTime touched = lastTouched(execution);
                if (touched != null && touched.isBefore(cutoff)) {
                    jobOperator.recover(execution);
                    recovered++;
                    log.warn(
                            "recovered job execution {} of {} left STARTED since {} by a stopped worker",
                            execution.getId(),
                            jobName,
                            touched);
                }
            }
        }
        return recovered;
    }
}

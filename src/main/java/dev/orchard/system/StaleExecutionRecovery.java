package dev.orchard.system;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * On start, marks executions left STARTED by a worker that died (kill -9, power loss) as FAILED with
 * {@link JobOperator#recover}, so the trigger's next offer restarts them instead of treating them as
 * in flight forever. Only correct when no other live worker shares the job repository, which is
 * why it is on for the embedded default ({@code orchard.batch.recover-on-start}) and must be off
 * when replicas share PostgreSQL.
 */
@Component
@Order(-10)
@ConditionalOnBooleanProperty(name = "orchard.batch.recover-on-start", matchIfMissing = true)
class StaleExecutionRecovery implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(StaleExecutionRecovery.class);

    private final JobRepository jobRepository;
    private final JobOperator jobOperator;

    StaleExecutionRecovery(JobRepository jobRepository, JobOperator jobOperator) {
        this.jobRepository = jobRepository;
        this.jobOperator = jobOperator;
    }

    @Override
    public void run(ApplicationArguments args) {
        for (String jobName : jobRepository.getJobNames()) {
            for (JobExecution stale : jobRepository.findRunningJobExecutions(jobName)) {
                jobOperator.recover(stale);
                log.warn(
                        "recovered job execution {} of {} ({}) left running by a stopped worker; it will be restarted",
                        stale.getId(),
                        jobName,
                        stale.getJobParameters());
            }
        }
    }
}

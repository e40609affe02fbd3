package dev.orchard.uploads;

import dev.orchard.storage.StorageProperties;
import java.time.Clock;
import java.util.concurrent.Executors;
import javax.sql.DataSource;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * Upload scoring's wiring: the worker's ledger identity and the ledger with its heartbeat, the
 * windows and the pool they run on. The dispatcher hands uploads to {@link UploadWindowing}; the
 * {@code score-uploads} job itself is {@link ScoreUploadJobConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class UploadConfiguration {

    @Bean(destroyMethod = "close")
    WorkerIdentity workerIdentity(UploadProperties properties, StorageProperties storage) {
        return WorkerIdentity.of(
                properties.workerId(),
                storage.adapter() == StorageProperties.Adapter.LOCAL
                        ? storage.local().root()
                        : null);
    }

    @Bean
    UploadLedger uploadLedger(
            DataSource dataSource,
            PlatformTransactionManager transactions,
            UploadProperties properties,
            WorkerIdentity identity,
            ObjectProvider<Clock> clock) {
        return new UploadLedger(
                new JdbcTemplate(dataSource),
                transactions,
                identity.name(),
                properties.claimLease(),
                clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean(destroyMethod = "close")
    LedgerHeartbeat ledgerHeartbeat(UploadLedger ledger) {
        return new LedgerHeartbeat(ledger);
    }

    @Bean
    UploadWindows uploadWindows() {
        return new UploadWindows();
    }

    @Bean
    ThreadPoolTaskExecutor jobExecutor(UploadProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("orchard-job-");
        executor.setCorePoolSize(properties.workers());
        executor.setMaxPoolSize(properties.workers());
        executor.setQueueCapacity(properties.queueCapacity());
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(30);
        return executor;
    }

    /**
     * @param specs the score spec of a name: the dispatcher's job specs, handed in as a function so
     *     this feature does not depend on the dispatcher
     */
    @Bean(destroyMethod = "close")
    UploadWindowing uploadWindowing(
            JobOperator jobOperator,
            @Qualifier("scoreUploadsJob") Job scoreUploadsJob,
            ThreadPoolTaskExecutor jobExecutor,
            UploadWindows windows,
            UploadProperties properties,
            UploadSpecs specs) {
        return new UploadWindowing(
                new WindowJobLauncher(jobOperator, scoreUploadsJob),
                specs::named,
                jobExecutor,
                windows,
                properties.window(),
                properties.maxWindowSize(),
                Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "orchard-window-flusher");
                    thread.setDaemon(true);
                    return thread;
                }));
    }
}

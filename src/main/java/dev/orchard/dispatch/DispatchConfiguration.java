package dev.orchard.dispatch;

import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.registry.ChampionCommands;
import dev.orchard.retrain.Retrainer;
import dev.orchard.storage.StorageProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

@Configuration(proxyBeanMethods = false)
class DispatchConfiguration {

    @Bean
    JobSpecs jobSpecs(JobSpecProperties properties, Environment environment) {
        Path location = properties.location() != null ? properties.location() : Path.of("jobs");
        if (properties.location() == null && !Files.isDirectory(location)) {
            JobSpecs builtIn = JobSpecs.builtIn(environment);
            LoggerFactory.getLogger(JobSpecs.class)
                    .info(
                            "no jobs/ directory in {} and orchard.jobs.location not set: using the built-in spec {}"
                                    + " (score uploads/ with the bootstrap model's champion)",
                            Path.of("").toAbsolutePath(),
                            builtIn.all().stream().map(JobSpec::name).toList());
            return builtIn;
        }
        JobSpecs specs = JobSpecs.load(location, environment);
        LoggerFactory.getLogger(JobSpecs.class)
                .info(
                        "loaded {} job spec(s) from {}: {}",
                        specs.all().size(),
                        location,
                        specs.all().stream().map(JobSpec::name).toList());
        return specs;
    }

    @Bean(destroyMethod = "close")
    WorkerIdentity workerIdentity(JobSpecProperties properties, StorageProperties storage) {
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
            JobSpecProperties properties,
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
    ThreadPoolTaskExecutor jobExecutor(JobSpecProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("orchard-job-");
        executor.setCorePoolSize(properties.workers());
        executor.setMaxPoolSize(properties.workers());
        executor.setQueueCapacity(properties.queueCapacity());
        executor.setWaitForTasksToCompleteOnShutdown(true);
        executor.setAwaitTerminationSeconds(30);
        return executor;
    }

    @Bean(destroyMethod = "close")
    JobDispatcher jobDispatcher(
            JobSpecs specs,
            ChampionCommands champions,
            PrefixJobs prefixJobs,
            Retrainer retrainer,
            JobOperator jobOperator,
            @Qualifier("scoreUploadsJob") Job windowJob,
            ThreadPoolTaskExecutor jobExecutor,
            UploadWindows windows,
            JobSpecProperties properties) {
        return new JobDispatcher(
                specs,
                champions,
                prefixJobs,
                retrainer,
                jobOperator,
                windowJob,
                jobExecutor,
                windows,
                properties.window(),
                properties.maxWindowSize());
    }
}

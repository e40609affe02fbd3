package dev.orchard.dispatch;

import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

@Configuration(proxyBeanMethods = false)
class DispatchConfiguration {

    @Bean
    JobSpecs jobSpecs(JobSpecProperties properties, Environment environment) {
        JobSpecs specs = JobSpecs.load(properties.location(), environment);
        org.slf4j.LoggerFactory.getLogger(JobSpecs.class)
                .info(
                        "loaded {} job spec(s) from {}: {}",
                        specs.all().size(),
                        properties.location(),
                        specs.all().stream().map(JobSpec::name).toList());
        return specs;
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

    @Bean
    JobDispatcher jobDispatcher(
            JobSpecs specs,
            JobOperator jobOperator,
            JobRepository jobRepository,
            @Qualifier("scoreUploadJob") Job scoreUploadJob,
            ThreadPoolTaskExecutor jobExecutor) {
        return new JobDispatcher(specs, jobOperator, jobRepository, scoreUploadJob, jobExecutor);
    }
}

package dev.orchard.system;

import org.springframework.batch.core.configuration.support.MapJobRegistry;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.launch.support.TaskExecutorJobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * A {@code JobOperator} that runs one job on its own small pool (not a bean: the application's
 * synchronous {@code JobOperator} stays the only one): {@code start} returns once the execution is
 * recorded, and the job runs in the background. Runs beyond {@code threads} queue, up to 100; one
 * more is recorded as FAILED (the task executor's refusal) rather than lost.
 */
public final class BackgroundJobOperator {

    private BackgroundJobOperator() {}

    public static TaskExecutorJobOperator create(JobRepository jobRepository, Job job, int threads, String threadPrefix)
            throws Exception {
        return create(jobRepository, job, threads, threadPrefix, Spans.OFF);
    }

    /** With {@code spans}: a run's spans are children of the span that started it (a request, a message). */
    public static TaskExecutorJobOperator create(
            JobRepository jobRepository, Job job, int threads, String threadPrefix, Spans spans) throws Exception {
        MapJobRegistry jobRegistry = new MapJobRegistry();
        jobRegistry.register(job);
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setTaskDecorator(spans.carryingSpan());
        executor.setCorePoolSize(threads);
        executor.setMaxPoolSize(threads);
        executor.setQueueCapacity(100);
        executor.setThreadNamePrefix(threadPrefix);
        executor.setWaitForTasksToCompleteOnShutdown(false);
        executor.initialize();
        TaskExecutorJobOperator operator = new TaskExecutorJobOperator();
        operator.setJobRepository(jobRepository);
        operator.setJobRegistry(jobRegistry);
        operator.setTaskExecutor(executor);
        operator.afterPropertiesSet();
        return operator;
    }
}

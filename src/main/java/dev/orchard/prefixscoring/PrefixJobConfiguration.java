package dev.orchard.prefixscoring;

import com.google.cloud.spring.pubsub.core.publisher.PubSubPublisherTemplate;
import com.google.cloud.spring.pubsub.core.subscriber.PubSubSubscriberTemplate;
import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.registry.VersionedModels;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.StorageProperties;
import dev.orchard.system.BackgroundJobOperator;
import dev.orchard.system.BatchExecutions;
import dev.orchard.system.TraceJobListener;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code score-prefix} job: {@code plan} (list once, pin the model version) → {@code score}
 * (partitions in parallel, chunk-oriented, restartable) → {@code summary} (written last).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({PrefixJobProperties.class, RemotePartitionProperties.class})
public class PrefixJobConfiguration {

    public static final String JOB_NAME = "score-prefix";
    static final String PARTITION_STEP = "score-prefix-partition";

    @Bean
    PrefixPlanner prefixPlanner(BlobStore store, JsonMapper json, PrefixJobProperties properties) {
        return new PrefixPlanner(store, json, properties);
    }

    @Bean
    Job scorePrefixJob(
            JobRepository jobRepository,
            Step scorePrefixPlan,
            Step scorePrefixScore,
            Step scorePrefixSummary,
            TraceJobListener trace) {
        return new JobBuilder(JOB_NAME, jobRepository)
                .listener(trace)
                .start(scorePrefixPlan)
                .next(scorePrefixScore)
                .next(scorePrefixSummary)
                .build();
    }

    @Bean
    Step scorePrefixPlan(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            PrefixPlanner planner,
            TraceJobListener trace) {
        return new StepBuilder("score-prefix-plan", jobRepository)
                .tasklet(
                        (contribution, chunkContext) -> {
                            PrefixJobParameters p = PrefixJobParameters.of(
                                    chunkContext.getStepContext().getJobParameters());
                            planner.planOrReuse(
                                    p.output(), p.bucket(), p.prefix(), p.model(), p.version(), p.partitions());
                            return RepeatStatus.FINISHED;
                        },
                        transactionManager)
                .allowStartIfComplete(true) // cheap: reuses the plan, and the partitioner needs it read
                .listener(trace)
                .build();
    }

    @Bean
    Step scorePrefixScore(
            JobRepository jobRepository,
            PlanPartitioner planPartitioner,
            Step scorePrefixPartition,
            PrefixJobProperties properties,
            RemotePartitionProperties remote,
            ObjectProvider<PubSubPublisherTemplate> publishers,
            JsonMapper json,
            ThreadPoolTaskExecutor prefixPartitionExecutor,
            TraceJobListener trace,
            Environment environment) {
        var builder = new StepBuilder("score-prefix-score", jobRepository)
                .listener((org.springframework.batch.core.listener.StepExecutionListener) trace)
                .partitioner(PARTITION_STEP, planPartitioner)
                .step(scorePrefixPartition)
                .gridSize(properties.partitions());
        if (remote.enabled()) {
            // asked without building the publisher: spring-cloud-gcp's clients are lazy beans, built by
            // the first job that offers partitions (trigger.DeferredPubSubClients)
            if (!environment.getProperty("orchard.pubsub.enabled", Boolean.class, false)) {
                throw new IllegalStateException(
                        "orchard.prefix-jobs.remote.enabled needs orchard.pubsub.enabled=true (partitions travel over Pub/Sub)");
            }
            return builder.partitionHandler(new PubSubPartitionHandler(
                            publishers::getObject, jobRepository, json, remote, properties.partitions()))
                    .build();
        }
        return builder.taskExecutor(prefixPartitionExecutor).build();
    }

    @Bean
    @StepScope
    PlanPartitioner planPartitioner(
            PrefixPlanner planner, @Value("#{jobParameters}") Map<String, Object> jobParameters) {
        return new PlanPartitioner(plan(planner, PrefixJobParameters.of(jobParameters)));
    }

    @Bean
    Step scorePrefixPartition(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            PrefixJobProperties properties,
            ReadAheadFetcher readAheadFetcher,
            ShardWriter shardWriter,
            TraceJobListener trace) {
        return new StepBuilder(PARTITION_STEP, jobRepository)
                .<Fetched, Fetched>chunk(properties.chunkSize(), transactionManager)
                .reader(readAheadFetcher)
                .writer(shardWriter)
                .listener(shardWriter)
                .listener((org.springframework.batch.core.listener.StepExecutionListener) trace)
                .build();
    }

    /**
     * One partition's objects, read and decoded ahead by a chunk (the reader and fetcher are plain
     * objects here, not step-scoped proxies: the fetch thread has no step context).
     */
    @Bean
    @StepScope
    ReadAheadFetcher readAheadFetcher(
            BlobStore store,
            JsonMapper json,
            ImageDecoder decoder,
            ModelRegistry registry,
            PrefixPlanner planner,
            PrefixJobProperties properties,
            @Value("#{jobParameters}") Map<String, Object> jobParameters,
            @Value("#{stepExecutionContext['partition']}") Integer partition) {
        PrefixJobParameters p = PrefixJobParameters.of(jobParameters);
        PrefixPlan plan = plan(planner, p);
        ModelManifest manifest = registry.manifest(plan.model(), plan.version())
                .orElseThrow(() -> new IllegalStateException(
                        "model " + plan.model() + " version " + plan.version() + " no longer exists"));
        return new ReadAheadFetcher(
                new PartitionReader(store, json, p.output(), plan, partition),
                new ImageFetcher(store, decoder, manifest.input(), properties.readAttempts(), 200),
                properties.chunkSize());
    }

    @Bean
    @StepScope
    ShardWriter shardWriter(
            BlobStore store,
            VersionedModels models,
            JsonMapper json,
            PrefixPlanner planner,
            PrefixJobProperties properties,
            MeterRegistry meters,
            @Value("#{jobParameters}") Map<String, Object> jobParameters) {
        PrefixJobParameters p = PrefixJobParameters.of(jobParameters);
        return new ShardWriter(
                store,
                models,
                json,
                p.output(),
                plan(planner, p),
                properties.topK(),
                properties.inferenceBatchSize(),
                meters);
    }

    @Bean
    Step scorePrefixSummary(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            PrefixPlanner planner,
            BlobStore store,
            JsonMapper json,
            TraceJobListener trace) {
        SummaryWriter summaries = new SummaryWriter(store, json);
        return new StepBuilder("score-prefix-summary", jobRepository)
                .tasklet(
                        (contribution, chunkContext) -> {
                            PrefixJobParameters p = PrefixJobParameters.of(
                                    chunkContext.getStepContext().getJobParameters());
                            JobExecution current = chunkContext
                                    .getStepContext()
                                    .getStepExecution()
                                    .getJobExecution();
                            List<JobExecution> executions = jobRepository.getJobExecutions(current.getJobInstance());
                            Instant started = executions.stream()
                                    .map(JobExecution::getCreateTime)
                                    .filter(java.util.Objects::nonNull)
                                    .min(java.util.Comparator.naturalOrder())
                                    .map(BatchExecutions::instant)
                                    .orElse(Instant.now());
                            summaries.write(
                                    p.output(),
                                    plan(planner, p),
                                    p.job(),
                                    p.run(),
                                    started,
                                    Instant.now(),
                                    executions.size(),
                                    dev.orchard.system.TraceIds.idOf((String) chunkContext
                                            .getStepContext()
                                            .getJobParameters()
                                            .get(TraceJobListener.PARAMETER)));
                            return RepeatStatus.FINISHED;
                        },
                        transactionManager)
                .listener(trace)
                .build();
    }

    /** Takes partitions of any replica's prefix jobs from the shared subscription. */
    @Bean(destroyMethod = "close")
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty({
        "orchard.pubsub.enabled",
        "orchard.prefix-jobs.remote.enabled"
    })
    PartitionRequestListener partitionRequestListener(
            ObjectProvider<PubSubSubscriberTemplate> subscriber,
            JobRepository jobRepository,
            @Qualifier("scorePrefixPartition") Step scorePrefixPartition,
            JsonMapper json,
            RemotePartitionProperties remote,
            PrefixJobProperties properties,
            Environment environment) {
        String workerId = environment.getProperty(
                "orchard.jobs.worker-id",
                java.lang.management.ManagementFactory.getRuntimeMXBean().getName());
        return new PartitionRequestListener(
                subscriber::getObject,
                jobRepository,
                scorePrefixPartition,
                json,
                remote.subscription(),
                workerId.isBlank()
                        ? java.lang.management.ManagementFactory.getRuntimeMXBean()
                                .getName()
                        : workerId,
                properties.threads());
    }

    @Bean
    @org.springframework.boot.autoconfigure.condition.ConditionalOnBean(PartitionRequestListener.class)
    ApplicationListener<ApplicationReadyEvent> startPartitionRequestListener(PartitionRequestListener listener) {
        return event -> listener.start();
    }

    @Bean(destroyMethod = "shutdown")
    ThreadPoolTaskExecutor prefixPartitionExecutor(PrefixJobProperties properties) {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        // the starter's span (a request, a message, the step that partitions) is the parent of the run's
        executor.setTaskDecorator(new org.springframework.core.task.support.ContextPropagatingTaskDecorator());
        executor.setCorePoolSize(properties.threads());
        executor.setMaxPoolSize(properties.threads());
        executor.setThreadNamePrefix("orchard-prefix-");
        executor.initialize();
        return executor;
    }

    @Bean
    PrefixJobs prefixJobs(
            JobRepository jobRepository,
            @org.springframework.beans.factory.annotation.Qualifier("scorePrefixJob") Job scorePrefixJob,
            ModelRegistry registry,
            PrefixPlanner planner,
            BlobStore store,
            StorageProperties storage,
            PrefixJobProperties properties,
            dev.orchard.system.Spans spans)
            throws Exception {
        return new PrefixJobs(
                jobRepository,
                BackgroundJobOperator.create(
                        jobRepository, scorePrefixJob, properties.concurrentJobs(), "orchard-prefix-job-", spans),
                scorePrefixJob,
                registry,
                planner,
                store,
                storage.bucket(),
                properties.maxAttempts(),
                properties.partitions());
    }

    static PrefixPlan plan(PrefixPlanner planner, PrefixJobParameters p) {
        return planner.read(p.output())
                .orElseThrow(() ->
                        new IllegalStateException("no plan at " + p.output().plan()));
    }
}

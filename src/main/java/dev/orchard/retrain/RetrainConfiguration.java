package dev.orchard.retrain;

import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ModelLoader;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.registry.VersionedModels;
import dev.orchard.storage.BlobStore;
import dev.orchard.system.BackgroundJobOperator;
import dev.orchard.system.BatchProperties;
import dev.orchard.system.TraceJobListener;
import dev.orchard.training.HoldoutScoring;
import dev.orchard.training.ModelTraining;
import java.time.Clock;
import java.time.Duration;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.StepExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code retrain} job: snapshot → train → evaluate → gate → register → promote, each a step
 * whose result is staged in the bucket ({@link RetrainStaging}), so a restart after a crash goes on
 * from the first step that had not completed. Retrains run one at a time per worker, on their own
 * thread.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RetrainProperties.class)
class RetrainConfiguration {

    @Bean
    RetrainStaging retrainStaging(BlobStore store, ModelRegistry registry, JsonMapper json, ModelLoader loader) {
        return new RetrainStaging(store, registry.bucket(), json, loader);
    }

    @Bean
    Job retrainJob(
            JobRepository jobRepository,
            PlatformTransactionManager transactions,
            RetrainStaging staging,
            ModelTraining training,
            BlobStore store,
            ImageDecoder decoder,
            VersionedModels models,
            ModelRegistry registry,
            BatchProperties batch,
            JsonMapper json,
            ObjectProvider<Clock> clock,
            TraceJobListener trace) {
        Duration heartbeat = heartbeat(batch);
        HoldoutScoring scoring = new HoldoutScoring(store, decoder);
        return new JobBuilder(RetrainRuns.JOB_NAME, jobRepository)
                .listener(trace)
                .start(step(RetrainSteps.SNAPSHOT, new SnapshotStep(staging, json), jobRepository, transactions, trace))
                .next(step(
                        RetrainSteps.TRAIN,
                        new TrainStep(training, staging, jobRepository, heartbeat, json),
                        jobRepository,
                        transactions,
                        trace))
                .next(step(
                        RetrainSteps.EVALUATE,
                        new EvaluateStep(staging, scoring, jobRepository, heartbeat, json),
                        jobRepository,
                        transactions,
                        trace))
                .next(step(
                        RetrainSteps.GATE,
                        new GateStep(
                                staging, new RetrainGate(scoring, models), registry, jobRepository, heartbeat, json),
                        jobRepository,
                        transactions,
                        trace))
                .next(step(
                        RetrainSteps.REGISTER,
                        new RegisterStep(staging, registry, clock.getIfAvailable(Clock::systemUTC), json),
                        jobRepository,
                        transactions,
                        trace))
                .next(step(
                        RetrainSteps.PROMOTE,
                        new PromoteStep(staging, registry, json),
                        jobRepository,
                        transactions,
                        trace))
                .build();
    }

    /** Often enough that stale-execution recovery never mistakes a live step for a dead one. */
    static Duration heartbeat(BatchProperties batch) {
        Duration third = batch.staleAfter().dividedBy(3);
        return third.compareTo(Duration.ofSeconds(10)) < 0 ? third : Duration.ofSeconds(10);
    }

    private static Step step(
            String name,
            Tasklet tasklet,
            JobRepository jobRepository,
            PlatformTransactionManager transactions,
            TraceJobListener trace) {
        return new StepBuilder(name, jobRepository)
                .tasklet(tasklet, transactions)
                .listener((StepExecutionListener) trace)
                .build();
    }

    @Bean
    RetrainRuns retrainRuns(
            JobRepository jobRepository,
            @Qualifier("retrainJob") Job retrainJob,
            ModelRegistry registry,
            ModelTraining training,
            BlobStore store,
            RetrainStaging staging,
            RetrainProperties properties,
            JsonMapper json,
            dev.orchard.system.Spans spans)
            throws Exception {
        return new RetrainRuns(
                jobRepository,
                BackgroundJobOperator.create(jobRepository, retrainJob, 1, "orchard-retrain-", spans),
                retrainJob,
                registry,
                training,
                store,
                staging,
                properties,
                json);
    }
}

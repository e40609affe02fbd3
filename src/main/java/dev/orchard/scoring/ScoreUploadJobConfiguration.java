package dev.orchard.scoring;

import dev.orchard.dispatch.JobSpecs;
import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ChampionModels;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import java.time.Clock;
import java.util.Map;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.core.step.tasklet.Tasklet;
import org.springframework.batch.infrastructure.repeat.RepeatStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@code score-upload} job: one tasklet step that scores one object generation. Its identifying
 * parameters are {@code spec}, {@code bucket}, {@code object} and {@code generation}, so the job
 * repository's unique job key is the upload's identity: a completed generation cannot be launched
 * again, and a failed one is restarted (and rewrites the same result) rather than run twice.
 */
@Configuration(proxyBeanMethods = false)
public class ScoreUploadJobConfiguration {

    public static final String JOB_NAME = "score-upload";

    @Bean
    UploadScorer uploadScorer(
            BlobStore store,
            ImageDecoder decoder,
            ChampionModels champions,
            JsonMapper json,
            ObjectProvider<Clock> clock) {
        return new UploadScorer(store, decoder, champions, json, clock.getIfAvailable(Clock::systemUTC));
    }

    @Bean
    Job scoreUploadJob(JobRepository jobRepository, Step scoreUploadStep) {
        return new JobBuilder(JOB_NAME, jobRepository).start(scoreUploadStep).build();
    }

    @Bean
    Step scoreUploadStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            JobSpecs specs,
            UploadScorer scorer) {
        Tasklet tasklet = (contribution, chunkContext) -> {
            Map<String, Object> params = chunkContext.getStepContext().getJobParameters();
            String specName = (String) params.get("spec");
            var spec = specs.named(specName)
                    .orElseThrow(() -> new IllegalStateException("job spec '" + specName + "' no longer exists"));
            scorer.score(spec, new ObjectRef((String) params.get("bucket"), (String) params.get("object"), (Long)
                    params.get("generation")));
            return RepeatStatus.FINISHED;
        };
        return new StepBuilder(JOB_NAME, jobRepository)
                .tasklet(tasklet, transactionManager)
                .build();
    }
}

package dev.orchard.uploads;

import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ChampionModels;
import dev.orchard.storage.BlobStore;
import java.time.Clock;
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
 * The {@code score-uploads} job: one execution scores one window of uploads (identified by the
 * {@code window} parameter). Per-upload identity lives in the {@link UploadLedger}, not in job
 * parameters, so a window is never restarted: after a crash its uploads come back through their
 * trigger and the ledger hands them to whichever worker claims them. The step's read, write and
 * skip counts are the window's scored, written and rejected uploads.
 */
@Configuration(proxyBeanMethods = false)
public class ScoreUploadJobConfiguration {

    public static final String JOB_NAME = "score-uploads";

    @Bean
    UploadScorer uploadScorer(
            BlobStore store,
            ImageDecoder decoder,
            ChampionModels champions,
            UploadLedger ledger,
            JsonMapper json,
            ObjectProvider<Clock> clock,
            dev.orchard.system.Spans spans,
            ObjectProvider<io.micrometer.core.instrument.MeterRegistry> meters,
            UploadProperties properties,
            UploadIo uploadIo) {
        return new UploadScorer(
                store,
                decoder,
                champions,
                ledger,
                json,
                clock.getIfAvailable(Clock::systemUTC),
                spans,
                new UploadMetrics(meters.getIfAvailable(io.micrometer.core.instrument.simple.SimpleMeterRegistry::new)),
                properties.inferenceBatchSize(),
                uploadIo);
    }

    /**
     * {@code orchard.jobs.io-threads}, by default side by side on Cloud Storage, where each call waits
     * a round trip, and inline on the local store, whose calls take microseconds of the same cores
     * (there, handing them to other threads gains nothing: docs/performance.md).
     */
    @Bean(destroyMethod = "close")
    UploadIo uploadIo(UploadProperties properties, dev.orchard.storage.StorageProperties storage) {
        int threads = properties.ioThreads() != null
                ? properties.ioThreads()
                : storage.adapter() == dev.orchard.storage.StorageProperties.Adapter.LOCAL ? 0 : 16;
        return threads == 0 ? UploadIo.inline() : new UploadIo(threads, properties.readAhead());
    }

    @Bean
    Job scoreUploadsJob(JobRepository jobRepository, Step scoreUploadsStep) {
        return new JobBuilder(JOB_NAME, jobRepository).start(scoreUploadsStep).build();
    }

    @Bean
    Step scoreUploadsStep(
            JobRepository jobRepository,
            PlatformTransactionManager transactionManager,
            UploadWindows windows,
            UploadScorer scorer) {
        Tasklet tasklet = (contribution, chunkContext) -> {
            String id =
                    (String) chunkContext.getStepContext().getJobParameters().get("window");
            UploadWindow window = windows.get(id)
                    .orElseThrow(() -> new IllegalStateException("window " + id + " is not held by this worker"));
            UploadScorer.Counts counts = scorer.score(window);
            for (int i = 0; i < counts.read(); i++) {
                contribution.incrementReadCount();
            }
            contribution.incrementWriteCount(counts.written());
            contribution.incrementProcessSkipCount(counts.rejected());
            return RepeatStatus.FINISHED;
        };
        return new StepBuilder(JOB_NAME, jobRepository)
                .tasklet(tasklet, transactionManager)
                .build();
    }
}

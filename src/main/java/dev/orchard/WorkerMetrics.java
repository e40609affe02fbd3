package dev.orchard;

import dev.orchard.serving.MicroBatcher;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.stereotype.Component;

/**
 * Queue gauges: {@code orchard.serving.queue.depth} (images waiting for a batched inference call),
 * {@code orchard.jobs.queue.depth} and {@code orchard.jobs.active} (upload windows waiting for and
 * running on the job executor). Per-model, per-subscription and per-job meters are registered where
 * they are measured ({@code orchard.inference}, {@code orchard.inference.batch.size}, {@code
 * orchard.model.champion.version}, {@code orchard.pubsub.messages}, {@code orchard.pubsub.in.flight},
 * {@code orchard.prefix.images}, Spring Batch's {@code spring.batch.*}).
 */
@Component
class WorkerMetrics implements MeterBinder {

    private final MicroBatcher batcher;
    private final ThreadPoolTaskExecutor jobExecutor;

    WorkerMetrics(MicroBatcher batcher, @Qualifier("jobExecutor") ThreadPoolTaskExecutor jobExecutor) {
        this.batcher = batcher;
        this.jobExecutor = jobExecutor;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        Gauge.builder("orchard.serving.queue.depth", batcher, MicroBatcher::queueDepth)
                .description("images waiting for a batched inference call")
                .register(registry);
        Gauge.builder("orchard.jobs.queue.depth", jobExecutor, e -> e.getThreadPoolExecutor()
                        .getQueue()
                        .size())
                .description("upload windows waiting for a job worker")
                .register(registry);
        Gauge.builder("orchard.jobs.active", jobExecutor, ThreadPoolTaskExecutor::getActiveCount)
                .description("upload windows running")
                .register(registry);
    }
}

package dev.orchard.prefixscoring;

import com.google.cloud.spring.pubsub.core.subscriber.PubSubSubscriberTemplate;
import com.google.cloud.spring.pubsub.support.AcknowledgeablePubsubMessage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs partition requests from the shared subscription. Each of {@code threads} loops pulls one
 * request only when it is free (synchronous pull, so a busy replica never hoards requests another
 * could run), keeps its ack deadline extended while the partition runs, and acks it when done. A
 * request is acked when its
 * partition finished or needs no work: its job execution is no longer running (a failed run's
 * restart publishes new requests), or the partition already completed. A request whose worker died
 * comes back after its ack deadline and resumes the partition from its last committed chunk.
 */
final class PartitionRequestListener implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PartitionRequestListener.class);

    /** A dead worker's request comes back to the subscription within this many seconds. */
    static final int ACK_DEADLINE_SECONDS = 30;

    private final Supplier<PubSubSubscriberTemplate> subscriber;
    private final JobRepository jobRepository;
    private final Step partitionStep;
    private final JsonMapper json;
    private final String subscription;
    private final String workerId;
    private final int threads;
    private final ExecutorService executor;
    private final ScheduledExecutorService keepAlive;
    private volatile boolean running;

    /**
     * The subscriber template is supplied, not given: spring-cloud-gcp's Pub/Sub clients are built
     * by the first pull, on this listener's threads once the worker is ready.
     */
    PartitionRequestListener(
            Supplier<PubSubSubscriberTemplate> subscriber,
            JobRepository jobRepository,
            Step partitionStep,
            JsonMapper json,
            String subscription,
            String workerId,
            int threads) {
        this.subscriber = subscriber;
        this.jobRepository = jobRepository;
        this.partitionStep = partitionStep;
        this.json = json;
        this.subscription = subscription;
        this.workerId = workerId;
        this.threads = threads;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread thread = new Thread(r, "orchard-remote-partition");
            thread.setDaemon(true);
            return thread;
        });
        this.keepAlive = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "orchard-remote-partition-keepalive");
            thread.setDaemon(true);
            return thread;
        });
    }

    void start() {
        running = true;
        for (int i = 0; i < threads; i++) {
            executor.execute(this::loop);
        }
        log.info("taking prefix-job partitions from {} ({} at a time)", subscription, threads);
    }

    private void loop() {
        while (running && !Thread.currentThread().isInterrupted()) {
            try {
                for (AcknowledgeablePubsubMessage message : subscriber.get().pull(subscription, 1, false)) {
                    onRequest(message);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                log.warn("pulling partition requests from {} failed, retrying: {}", subscription, e.toString());
                sleep(2_000);
            }
        }
    }

    void onRequest(AcknowledgeablePubsubMessage message) {
        PubSubPartitionHandler.PartitionRequest request;
        try {
            request = json.readValue(
                    message.getPubsubMessage().getData().toByteArray(), PubSubPartitionHandler.PartitionRequest.class);
        } catch (RuntimeException e) {
            log.warn("dropping a malformed partition request: {}", e.getMessage());
            message.ack();
            return;
        }
        ScheduledFuture<?> extension = keepAlive.scheduleAtFixedRate(
                () -> message.modifyAckDeadline(ACK_DEADLINE_SECONDS), 0, ACK_DEADLINE_SECONDS / 3, TimeUnit.SECONDS);
        try {
            run(request);
            extension.cancel(false);
            message.ack();
        } catch (RuntimeException e) {
            extension.cancel(false);
            log.warn("partition {} failed here, it will be offered again: {}", request.stepName(), e.toString());
            message.nack();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(PubSubPartitionHandler.PartitionRequest request) {
        StepExecution partition = jobRepository.getStepExecution(request.jobExecutionId(), request.stepExecutionId());
        if (partition == null) {
            log.warn("partition request for unknown step execution {}; acked", request.stepExecutionId());
            return;
        }
        JobExecution job = partition.getJobExecution();
        if (job == null || !job.getStatus().isRunning()) {
            log.info("{}: its job execution is no longer running; acked", request.stepName());
            return;
        }
        if (partition.getStatus() == BatchStatus.COMPLETED
                || !partition.getStatus().isRunning()) {
            log.info("{}: already {}; acked", request.stepName(), partition.getStatus());
            return;
        }
        log.info(
                "worker {} runs partition {} of job execution {}",
                workerId,
                request.stepName(),
                request.jobExecutionId());
        long started = System.nanoTime();
        try {
            partitionStep.execute(partition);
        } catch (org.springframework.batch.core.job.JobInterruptedException e) {
            throw new IllegalStateException("interrupted while running " + request.stepName(), e);
        }
        log.info(
                "worker {} ran partition {} of job execution {}: {} in {} ms",
                workerId,
                request.stepName(),
                request.jobExecutionId(),
                partition.getStatus(),
                (System.nanoTime() - started) / 1_000_000);
    }

    @Override
    public void close() {
        running = false;
        executor.shutdownNow();
        keepAlive.shutdownNow();
    }
}

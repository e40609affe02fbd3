package dev.orchard.prefixscoring;

import com.google.cloud.spring.pubsub.core.publisher.PubSubPublisherTemplate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.StepExecutionSplitter;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;
import tools.jackson.databind.json.JsonMapper;

/**
 * Remote partitioning over Pub/Sub: the partitions' step executions are created in the shared job
 * repository, one request per partition is published, whichever replica pulls it runs it ({@link
 * PartitionRequestListener}), and this side polls the repository until every partition finished.
 * Like Spring Batch's {@code MessageChannelPartitionHandler} in polling mode, without Spring
 * Integration.
 */
final class PubSubPartitionHandler implements PartitionHandler {

    private static final Logger log = LoggerFactory.getLogger(PubSubPartitionHandler.class);

    private final Supplier<PubSubPublisherTemplate> publisher;
    private final JobRepository jobRepository;
    private final JsonMapper json;
    private final RemotePartitionProperties properties;
    private final int gridSize;

    /**
     * The publisher is supplied, not given: spring-cloud-gcp's Pub/Sub clients are built by the
     * first job that offers partitions, not during the worker's start.
     */
    PubSubPartitionHandler(
            Supplier<PubSubPublisherTemplate> publisher,
            JobRepository jobRepository,
            JsonMapper json,
            RemotePartitionProperties properties,
            int gridSize) {
        this.publisher = publisher;
        this.jobRepository = jobRepository;
        this.json = json;
        this.properties = properties;
        this.gridSize = gridSize;
    }

    /** What a partition request carries. */
    record PartitionRequest(long jobExecutionId, long stepExecutionId, String stepName) {}

    @Override
    public Collection<StepExecution> handle(StepExecutionSplitter splitter, StepExecution manager) throws Exception {
        Set<StepExecution> partitions = splitter.split(manager, gridSize);
        PubSubPublisherTemplate publisher = this.publisher.get();
        for (StepExecution partition : partitions) {
            byte[] request = json.writeValueAsBytes(
                    new PartitionRequest(partition.getJobExecutionId(), partition.getId(), partition.getStepName()));
            publisher
                    .publish(
                            properties.topic(),
                            request,
                            Map.of("job-execution", Long.toString(partition.getJobExecutionId())))
                    .get();
        }
        log.info(
                "job execution {}: offered {} partition(s) to the replicas on {}",
                manager.getJobExecutionId(),
                partitions.size(),
                properties.topic());
        Instant deadline = Instant.now().plus(properties.timeout());
        while (true) {
            List<StepExecution> current = new ArrayList<>();
            boolean running = false;
            for (StepExecution partition : partitions) {
                StepExecution reloaded =
                        jobRepository.getStepExecution(partition.getJobExecutionId(), partition.getId());
                if (reloaded == null) {
                    throw new IllegalStateException("partition step execution " + partition.getId() + " vanished");
                }
                current.add(reloaded);
                running |= reloaded.getStatus().isRunning();
            }
            if (!running) {
                return current;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("partitions of job execution " + manager.getJobExecutionId()
                        + " did not finish within " + properties.timeout());
            }
            Thread.sleep(Math.max(50, properties.pollInterval().toMillis()));
        }
    }
}

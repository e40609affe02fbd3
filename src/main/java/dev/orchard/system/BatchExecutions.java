package dev.orchard.system;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.springframework.batch.core.job.JobExecution;

/** How job statuses read Spring Batch's executions: its local times as instants, its failure in one line. */
public final class BatchExecutions {

    private BatchExecutions() {}

    /** A run's id and when its newest execution was created: enough to order runs before reading them. */
    public record Started(String id, Instant createdAt) {}

    /** A job repository time (local, this JVM's zone) as an instant; {@code null} stays {@code null}. */
    public static Instant instant(LocalDateTime time) {
        return time == null ? null : time.atZone(ZoneId.systemDefault()).toInstant();
    }

    /** The first line of why {@code execution} failed (its exit description), or {@code null}. */
    public static String failure(JobExecution execution) {
        String description = execution.getExitStatus().getExitDescription();
        if (description.isBlank()) {
            return null;
        }
        int newline = description.indexOf('\n');
        return newline < 0 ? description : description.substring(0, newline);
    }
}

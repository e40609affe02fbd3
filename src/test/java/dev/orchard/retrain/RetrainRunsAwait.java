package dev.orchard.retrain;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Set;

/** Waits for a retrain run to end, as a client polling {@code GET /jobs/{id}} would. */
public final class RetrainRunsAwait {

    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED");

    private RetrainRunsAwait() {}

    /** The run's status once it ended (completed or failed), within {@code timeout}. */
    public static RetrainStatus ended(RetrainRuns runs, String id, Duration timeout) {
        return await().atMost(timeout)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> runs.status(id).orElseThrow(), s -> ENDED.contains(s.status()));
    }
}

package dev.orchard.retrain;

import dev.orchard.system.PeriodicTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Keeps retrains going without anyone asking again: once stale-execution recovery marked a run a
 * dead worker left behind as FAILED, it is restarted from its first unfinished step.
 */
@Component
class RetrainResumer {

    private static final Logger log = LoggerFactory.getLogger(RetrainResumer.class);

    private final RetrainRuns runs;
    private final PeriodicTasks periodicTasks;
    private final RetrainProperties properties;

    RetrainResumer(RetrainRuns runs, PeriodicTasks periodicTasks, RetrainProperties properties) {
        this.runs = runs;
        this.periodicTasks = periodicTasks;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        periodicTasks.every("resuming retrains", properties.resumeInterval(), this::resume);
        resume();
    }

    void resume() {
        try {
            runs.resumeFailed();
        } catch (RuntimeException e) {
            log.warn("could not look for retrains to resume: {}", e.getMessage());
        }
    }
}

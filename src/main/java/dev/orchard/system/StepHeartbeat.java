package dev.orchard.system;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.StepExecution;

/**
 * Keeps a long tasklet's step visibly alive: every {@code interval} it saves the step (its last
 * update time, which {@link StaleExecutionRecovery} reads) and its execution context (where the
 * tasklet puts its progress). A single tasklet call — training a model — can run for many minutes
 * without a commit; without the heartbeat a live worker's step would look abandoned.
 *
 * <p>Close it before the tasklet returns: the step's own update then follows the heartbeat's, with
 * the version the heartbeat left.
 */
public final class StepHeartbeat implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(StepHeartbeat.class);

    private final JobRepository jobRepository;
    private final StepExecution step;
    private final long intervalMillis;
    private final Object lock = new Object();
    private final Thread thread;
    private boolean stopped;

    private StepHeartbeat(JobRepository jobRepository, StepExecution step, Duration interval) {
        this.jobRepository = jobRepository;
        this.step = step;
        this.intervalMillis = Math.max(1, interval.toMillis());
        this.thread = new Thread(this::beat, "orchard-heartbeat-" + step.getStepName());
        this.thread.setDaemon(true);
    }

    /** Starts beating for {@code step} every {@code interval}. */
    public static StepHeartbeat start(JobRepository jobRepository, StepExecution step, Duration interval) {
        StepHeartbeat heartbeat = new StepHeartbeat(jobRepository, step, interval);
        heartbeat.thread.start();
        return heartbeat;
    }

    private void beat() {
        while (true) {
            synchronized (lock) {
                long until = System.currentTimeMillis() + intervalMillis;
                while (!stopped && System.currentTimeMillis() < until) {
                    try {
                        lock.wait(Math.max(1, until - System.currentTimeMillis()));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                if (stopped) {
                    return;
                }
                try {
                    jobRepository.updateExecutionContext(step);
                    jobRepository.update(step);
                } catch (RuntimeException e) {
                    log.warn("heartbeat of step {} failed: {}", step.getStepName(), e.toString());
                }
            }
        }
    }

    /** Stops beating; returns once no beat is in progress. */
    @Override
    public void close() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

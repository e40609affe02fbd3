package dev.orchard.system;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.springframework.stereotype.Component;

/**
 * Orchard's periodic housekeeping — stale-execution recovery, resuming prefix jobs, logging their
 * progress — on one thread of its own ({@code orchard-housekeeping-1}).
 *
 * <p>Orchard does not use {@code @EnableScheduling}: its post-processor inspected every method of
 * every bean at each start to find three {@code @Scheduled} methods (about 6 % of the start-up's
 * main thread; docs/decisions/0001-aot-cache-and-spring-aot.md). Features register their tasks here, usually once the application
 * is ready; {@code NoStartupAnnotationScansTests} fails the build if a {@code @Scheduled} appears,
 * since nothing would run it.
 *
 * <p>A task runs first one {@code interval} after {@link #every}, then one {@code interval} after
 * each run ends, never two runs at once. A run that throws is logged and the next one comes as
 * planned. Tasks stop when the context stops, before the beans they use (the job repository, the
 * data source) are destroyed; a run in progress may finish for up to 10 s.
 */
@Component
public class PeriodicTasks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PeriodicTasks.class);

    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
    private volatile boolean running;

    PeriodicTasks() {
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("orchard-housekeeping-");
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(10);
        scheduler.initialize();
    }

    /**
     * Runs {@code task} every {@code interval} (after the previous run ended) until the context
     * stops.
     *
     * @param name what the task does, for the log when a run fails
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public void every(String name, Duration interval, Runnable task) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(name + ": the interval must be positive, was " + interval);
        }
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        task.run();
                    } catch (RuntimeException e) {
                        log.warn("{} failed, next try in {}: {}", name, interval, e.toString(), e);
                    }
                },
                Instant.now().plus(interval),
                interval);
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        scheduler.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}

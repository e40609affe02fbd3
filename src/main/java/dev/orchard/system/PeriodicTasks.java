package dev.orchard.system;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
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

    private final List<Registered> registered = new CopyOnWriteArrayList<>();
    private ThreadPoolTaskScheduler scheduler = newScheduler();
    private volatile boolean running;

    /** A task as registered, so a restarted context (stop, then start) runs it again. */
    private record Registered(String name, Duration interval, Runnable task) {}

    PeriodicTasks() {}

    private static ThreadPoolTaskScheduler newScheduler() {
        ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("orchard-housekeeping-");
        scheduler.setWaitForTasksToCompleteOnShutdown(true);
        scheduler.setAwaitTerminationSeconds(10);
        scheduler.initialize();
        return scheduler;
    }

    /**
     * Runs {@code task} every {@code interval} (after the previous run ended) until the context
     * stops; again from one {@code interval} after it starts again.
     *
     * @param name what the task does, for the log when a run fails
     * @throws IllegalArgumentException if {@code interval} is not positive
     */
    public synchronized void every(String name, Duration interval, Runnable task) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(name + ": the interval must be positive, was " + interval);
        }
        Registered added = new Registered(name, interval, task);
        registered.add(added);
        schedule(added);
    }

    private void schedule(Registered r) {
        scheduler.scheduleWithFixedDelay(
                () -> {
                    try {
                        r.task().run();
                    } catch (RuntimeException e) {
                        log.warn("{} failed, next try in {}: {}", r.name(), r.interval(), e.toString(), e);
                    }
                },
                Instant.now().plus(r.interval()),
                r.interval());
    }

    /**
     * Starts, or starts again after {@link #stop()} — a context may be stopped and started (Spring's
     * test framework pauses cached contexts it does not use): a fresh thread then runs every task
     * registered so far.
     */
    @Override
    public synchronized void start() {
        if (scheduler.getScheduledExecutor().isShutdown()) {
            scheduler = newScheduler();
            registered.forEach(this::schedule);
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        running = false;
        scheduler.shutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}

package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PeriodicTasksTests {

    private final PeriodicTasks tasks = new PeriodicTasks();

    @AfterEach
    void stop() {
        tasks.stop();
    }

    @Test
    void runsFirstOneIntervalLaterThenAgainAfterEachRun() {
        List<Long> runs = new CopyOnWriteArrayList<>();
        long registered = System.nanoTime();

        tasks.every("tick", Duration.ofMillis(200), () -> runs.add(System.nanoTime()));

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.size() >= 3);
        assertThat(Duration.ofNanos(runs.get(0) - registered)).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(Duration.ofNanos(runs.get(2) - runs.get(1))).isGreaterThanOrEqualTo(Duration.ofMillis(190));
        assertThat(Thread.getAllStackTraces().keySet())
                .anyMatch(t -> t.getName().startsWith("orchard-housekeeping-"));
    }

    @Test
    void aRunThatThrowsDoesNotEndTheSchedule() {
        AtomicInteger runs = new AtomicInteger();

        tasks.every("flaky", Duration.ofMillis(50), () -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("the job repository is not reachable");
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 3);
    }

    @Test
    void stoppingEndsTheScheduleAndLetsARunningRunFinish() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch running = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        tasks.every("slow", Duration.ofMillis(50), () -> {
            runs.incrementAndGet();
            running.countDown();
            sleep(300);
            finished.incrementAndGet();
        });
        tasks.start();
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        tasks.stop();

        assertThat(tasks.isRunning()).isFalse();
        assertThat(finished.get())
                .as("the run in progress finished before stop() returned")
                .isEqualTo(runs.get());
        int afterStop = runs.get();
        sleep(300);
        assertThat(runs.get()).isEqualTo(afterStop);
    }

    @Test
    void aContextStoppedAndStartedAgainRunsItsTasksAgain() {
        // Spring's test framework pauses (stops) a cached context it does not use and starts it again
        AtomicInteger runs = new AtomicInteger();
        tasks.every("drift", Duration.ofMillis(50), runs::incrementAndGet);
        tasks.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= 1);

        tasks.stop();
        int stoppedAt = runs.get();
        tasks.start();

        assertThat(tasks.isRunning()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> runs.get() >= stoppedAt + 2);
    }

    @Test
    void aNonPositiveIntervalIsRefusedWithTheTasksName() {
        assertThatThrownBy(() -> tasks.every("stale-execution recovery", Duration.ZERO, () -> {}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stale-execution recovery: the interval must be positive, was PT0S");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

package dev.orchard.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.storage.ObjectRef;
import dev.orchard.system.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Windows without Spring Batch, threads or time: windows run on the calling thread, and the
 * scheduler's window is an hour, so windows flush only when the test says so.
 */
class UploadWindowingTests {

    static final UploadSpec SPEC = TestUploadSpecs.scoringWith("fashion");

    final List<UploadWindow> ran = new ArrayList<>();
    final UploadWindows windows = new UploadWindows();
    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    Consumer<UploadWindow> runner = window -> {
        ran.add(window);
        window.objects().forEach(o -> window.report(o, Outcome.COMPLETED));
    };
    Executor executor = Runnable::run;

    UploadWindowing windowing(int maxWindowSize) {
        return new UploadWindowing(
                window -> runner.accept(window),
                name -> name.equals(SPEC.name()) ? Optional.of(SPEC) : Optional.empty(),
                command -> executor.execute(command),
                windows,
                Duration.ofHours(1),
                maxWindowSize,
                scheduler);
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    static ObjectRef upload(int i) {
        return new ObjectRef("local", "uploads/" + i + ".png", 1000 + i);
    }

    @Test
    void aFullWindowRunsAtOnceAndTheRestWhenTheWindowCloses() {
        // given
        UploadWindowing windowing = windowing(3);

        // when: five uploads, one of them twice
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            outcomes.add(windowing.submit(SPEC, upload(i)));
        }
        CompletableFuture<Outcome> again = windowing.submit(SPEC, upload(4));

        // then: one window of three ran, the other two wait for the window to close
        assertThat(ran).hasSize(1);
        assertThat(ran.get(0).objects()).containsExactly(upload(0), upload(1), upload(2));
        assertThat(outcomes.subList(0, 3)).allSatisfy(f -> assertThat(f).isCompletedWithValue(Outcome.COMPLETED));
        assertThat(outcomes.get(4)).isNotDone().isSameAs(again);
        windowing.flushAll();
        assertThat(ran).hasSize(2);
        assertThat(ran.get(1).objects()).containsExactly(upload(3), upload(4));
        assertThat(outcomes).allSatisfy(f -> assertThat(f).isCompletedWithValue(Outcome.COMPLETED));
        assertThat(windowing.pending()).isZero();
        assertThat(windows.get(ran.get(1).id()))
                .as("a window is forgotten once it ran")
                .isEmpty();
    }

    @Test
    void eachUploadEndsWithWhatItsWindowReported() {
        runner = window -> {
            window.report(upload(0), Outcome.DUPLICATE);
            window.report(upload(1), Outcome.FAILED);
            window.report(upload(2), Outcome.HELD_ELSEWHERE);
        };
        UploadWindowing windowing = windowing(3);

        CompletableFuture<Outcome> duplicate = windowing.submit(SPEC, upload(0));
        CompletableFuture<Outcome> failed = windowing.submit(SPEC, upload(1));
        CompletableFuture<Outcome> held = windowing.submit(SPEC, upload(2));

        assertThat(duplicate).isCompletedWithValue(Outcome.DUPLICATE);
        assertThat(failed).isCompletedWithValue(Outcome.FAILED);
        assertThat(held)
                .as("held elsewhere: offered again later, never acked on another's promise")
                .isNotDone();
        assertThat(windowing.pending()).isEqualTo(1);
    }

    @Test
    void aWindowThatThrowsFailsItsUploadsAndAFullPoolAnswersBusy() {
        runner = window -> {
            throw new IllegalStateException("job repository down");
        };
        UploadWindowing windowing = windowing(1);
        assertThat(windowing.submit(SPEC, upload(0))).isCompletedWithValue(Outcome.FAILED);

        executor = command -> {
            throw new RejectedExecutionException("queue full");
        };
        assertThat(windowing.submit(SPEC, upload(1))).isCompletedWithValue(Outcome.BUSY);
        assertThat(windowing.pending()).isZero();
    }
}

package dev.orchard.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class UploadIoTests {

    final UploadIo io = new UploadIo(8, 3);

    @AfterEach
    void close() {
        io.close();
    }

    @Test
    void readsRunAheadByAtMostTheirBoundAndArriveInOrderWithTheirFailures() {
        // given: 40 reads, one of which fails
        List<Integer> items = IntStream.range(0, 40).boxed().toList();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger used = new AtomicInteger();
        List<Integer> aheadWhenUsed = new ArrayList<>();
        List<Object> seen = new ArrayList<>();

        // when
        io.readInOrder(
                items,
                item -> {
                    started.incrementAndGet();
                    if (item == 7) {
                        throw new IllegalStateException("storage down for 7");
                    }
                    return "bytes-" + item;
                },
                (item, read) -> {
                    aheadWhenUsed.add(started.get() - used.getAndIncrement());
                    try {
                        seen.add(read.get());
                    } catch (IllegalStateException e) {
                        seen.add(e.getMessage());
                    }
                });

        // then: every item once, in order, the failure where it belongs, never more than 3 read ahead
        assertThat(seen).hasSize(40).element(7).isEqualTo("storage down for 7");
        assertThat(seen.get(39)).isEqualTo("bytes-39");
        assertThat(aheadWhenUsed).allMatch(ahead -> ahead <= 3);
    }

    @Test
    void inlineRunsEverythingOnTheCallerInOrderAndKeepsFailures() {
        UploadIo inline = UploadIo.inline();
        String caller = Thread.currentThread().getName();
        List<String> seen = new ArrayList<>();
        inline.readInOrder(
                List.of(1, 2, 3),
                item -> {
                    assertThat(Thread.currentThread().getName()).isEqualTo(caller);
                    if (item == 2) {
                        throw new IllegalStateException("no 2");
                    }
                    return "read-" + item;
                },
                (item, read) -> {
                    try {
                        seen.add(read.get());
                    } catch (IllegalStateException e) {
                        seen.add(e.getMessage());
                    }
                });
        List<Supplier<Integer>> ended = inline.all(List.of(() -> 1, () -> {
            throw new IllegalArgumentException("no write");
        }));

        assertThat(seen).containsExactly("read-1", "no 2", "read-3");
        assertThat(ended.get(0).get()).isEqualTo(1);
        assertThatThrownBy(() -> ended.get(1).get()).hasMessage("no write");
        inline.close();
    }

    @Test
    void allTasksRunSideBySideAndEachResultOrFailureIsKept() throws Exception {
        // given: 16 tasks that each wait until 8 run at once (a pool of 8: they must overlap)
        java.util.concurrent.CountDownLatch together = new java.util.concurrent.CountDownLatch(8);
        ConcurrentHashMap<String, Boolean> threads = new ConcurrentHashMap<>();
        List<Supplier<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int n = i;
            tasks.add(() -> {
                threads.put(Thread.currentThread().getName(), true);
                together.countDown();
                try {
                    if (!together.await(10, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IllegalStateException("tasks did not run side by side");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (n == 5) {
                    throw new IllegalArgumentException("write 5 failed");
                }
                return n * n;
            });
        }

        // when
        List<Supplier<Integer>> ended = io.all(tasks);

        // then
        assertThat(threads).hasSize(8);
        assertThat(ended.get(4).get()).isEqualTo(16);
        assertThatThrownBy(() -> ended.get(5).get()).hasMessage("write 5 failed");
        assertThat(ended.get(15).get()).isEqualTo(225);
    }
}

package dev.orchard.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first writer holds a claim; a claim judged abandoned is taken over by exactly one worker. */
class ClaimsTests {

    static final Duration TIMEOUT = Duration.ofMinutes(2);

    @TempDir
    Path root;

    @Test
    void theFirstClaimWinsAndAFreshClaimIsNotTakenOver() {
        LocalBlobStore store = new LocalBlobStore(root, Clock.systemUTC());
        Instant made = Instant.parse("2026-11-23T10:00:00Z");
        AtomicReference<Instant> seen = new AtomicReference<>();

        assertThat(Claims.claim(store, "data", "claims/a.json", made, at -> true))
                .isTrue();
        assertThat(Claims.claim(store, "data", "claims/a.json", made.plusSeconds(5), at -> {
                    seen.set(at);
                    return false;
                }))
                .isFalse();
        assertThat(seen.get()).as("the holder's claim time").isEqualTo(made);
    }

    @Test
    void anAbandonedClaimIsTakenOverByExactlyOneOfTenWorkers() throws Exception {
        LocalBlobStore store = new LocalBlobStore(root, Clock.systemUTC());
        Instant now = Instant.now();
        assertThat(Claims.claim(store, "data", "claims/b.json", now.minus(Duration.ofHours(1)), at -> true))
                .isTrue();

        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> takers = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                takers.add(pool.submit(() -> {
                    go.await();
                    return Claims.claim(store, "data", "claims/b.json", now, at -> !at.plus(TIMEOUT)
                            .isAfter(now));
                }));
            }
            go.countDown();
            int won = 0;
            for (Future<Boolean> taker : takers) {
                won += taker.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }
}

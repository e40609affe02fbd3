package dev.orchard.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.storage.ObjectRef;
import dev.orchard.testing.MutableClock;
import dev.orchard.uploads.UploadLedger.Claim;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

class UploadLedgerTests {

    static final ObjectRef UPLOAD = new ObjectRef("local", "uploads/a.jpg", 42);

    JdbcTemplate jdbc;
    DataSourceTransactionManager transactions;
    MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));

    @BeforeEach
    void setUp() throws Exception {
        javax.sql.DataSource dataSource = dataSource();
        jdbc = new JdbcTemplate(dataSource);
        transactions = new DataSourceTransactionManager(dataSource);
    }

    /** A fresh, empty database for one test. */
    javax.sql.DataSource dataSource() throws Exception {
        return new SimpleDriverDataSource(
                new org.h2.Driver(), "jdbc:h2:mem:ledger-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
    }

    UploadLedger worker(String name) {
        return new UploadLedger(jdbc, transactions, name, Duration.ofMinutes(10), clock);
    }

    /** A worker whose claims hold 30 s unless renewed, as the default lease. */
    UploadLedger renewing(String name) {
        return new UploadLedger(jdbc, transactions, name, Duration.ofSeconds(30), clock);
    }

    @Test
    void aGenerationIsClaimedOnceAndDoneForever() {
        UploadLedger a = worker("a");
        UploadLedger b = worker("b");
        assertThat(a.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
        assertThat(b.claim(UPLOAD)).isEqualTo(Claim.HELD_ELSEWHERE);
        a.complete(UPLOAD);
        assertThat(b.claim(UPLOAD)).isEqualTo(Claim.DONE);
        assertThat(a.claim(UPLOAD)).isEqualTo(Claim.DONE);
        assertThat(a.claim(new ObjectRef("local", "uploads/a.jpg", 43)))
                .as("a new generation")
                .isEqualTo(Claim.CLAIMED);
        assertThat(a.doneCount("local", "uploads/a.jpg")).isEqualTo(1);
    }

    @Test
    void anExpiredClaimIsTakenOverAndAReleasedOneIsFree() {
        UploadLedger dead = worker("dead");
        UploadLedger alive = worker("alive");
        assertThat(dead.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
        clock.advance(Duration.ofMinutes(11));
        assertThat(alive.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
        assertThat(dead.claim(UPLOAD)).as("the old owner lost it").isEqualTo(Claim.HELD_ELSEWHERE);
        alive.release(UPLOAD);
        assertThat(dead.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
    }

    @Test
    void aRenewedClaimOutlivesItsFirstLeaseAndARestartedWorkerTakesBackItsOwn() {
        // given: a 30 s lease
        UploadLedger live = renewing("live");
        UploadLedger other = renewing("other");
        ObjectRef second = new ObjectRef("local", "uploads/b.jpg", 7);
        assertThat(live.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
        assertThat(live.claim(second)).isEqualTo(Claim.CLAIMED);

        // when: renewed every 10 s for a minute
        for (int beat = 0; beat < 6; beat++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(live.renewOwnClaims()).isEqualTo(2);
        }

        // then: still held; a restart under the same name takes them back at once
        assertThat(other.claim(UPLOAD)).isEqualTo(Claim.HELD_ELSEWHERE);
        UploadLedger restarted = renewing("live");
        assertThat(restarted.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
        live.complete(second);
        // and without renewals a claim runs out after one lease
        clock.advance(Duration.ofSeconds(31));
        assertThat(other.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
        assertThat(live.renewOwnClaims())
                .as("done and lost claims are not renewed")
                .isZero();
    }

    @Test
    void aRestartedWorkerRenewsOnlyWhatItWorksOnSoItsPreviousIncarnationsClaimsRunOut() {
        // given: a worker that died holding a claim, restarted under the same name, working on another
        UploadLedger crashed = renewing("live");
        UploadLedger other = renewing("other");
        ObjectRef working = new ObjectRef("local", "uploads/b.jpg", 7);
        assertThat(crashed.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
        UploadLedger restarted = renewing("live");
        assertThat(restarted.claimAll(List.of(working)).values()).containsExactly(Claim.CLAIMED);

        // when: the restarted worker's heartbeat beats for 40 s
        for (int beat = 0; beat < 4; beat++) {
            clock.advance(Duration.ofSeconds(10));
            assertThat(restarted.renewOwnClaims()).isEqualTo(1);
        }

        // then: the orphan ran out and another worker takes it; the live claim holds
        assertThat(other.claim(UPLOAD)).isEqualTo(Claim.CLAIMED);
        assertThat(other.claim(working)).isEqualTo(Claim.HELD_ELSEWHERE);
    }

    @Test
    void completedReleasedAndLetGoClaimsAreNotRenewed() {
        UploadLedger live = renewing("live");
        UploadLedger other = renewing("other");
        List<ObjectRef> refs = new ArrayList<>();
        for (int i = 0; i < 450; i++) { // more than one batch of renewals
            refs.add(new ObjectRef("local", "uploads/" + i + ".jpg", 1));
        }
        assertThat(live.claimAll(refs).values()).containsOnly(Claim.CLAIMED);
        assertThat(live.renewOwnClaims()).isEqualTo(450);

        live.completeAll(refs.subList(0, 100));
        live.release(refs.get(100));
        live.letGo(refs.subList(101, 150));
        assertThat(live.heldCount()).isEqualTo(300);
        assertThat(live.renewOwnClaims()).isEqualTo(300);

        clock.advance(Duration.ofSeconds(31)); // a missed beat: the other worker takes one over
        assertThat(other.claim(refs.get(449))).isEqualTo(Claim.CLAIMED);
        assertThat(other.claim(refs.get(120))).as("let go: ran out").isEqualTo(Claim.CLAIMED);
        assertThat(live.renewOwnClaims()).as("the lost one is not ours").isEqualTo(299);
        assertThat(live.heldCount()).isEqualTo(299);
        assertThat(other.claim(refs.get(200))).isEqualTo(Claim.HELD_ELSEWHERE);
    }

    @Test
    void aWindowIsClaimedInOneGoWithTheAnswersOfSingleClaims() {
        // given: one upload done, one held by a live worker, one whose holder died, one held by us, one new
        UploadLedger a = worker("a");
        UploadLedger other = worker("other");
        UploadLedger dead = worker("dead");
        ObjectRef done = new ObjectRef("local", "uploads/done.jpg", 1);
        ObjectRef held = new ObjectRef("local", "uploads/held.jpg", 1);
        ObjectRef orphan = new ObjectRef("local", "uploads/orphan.jpg", 1);
        ObjectRef ours = new ObjectRef("local", "uploads/ours.jpg", 1);
        ObjectRef fresh = new ObjectRef("local", "uploads/fresh.jpg", 1);
        dead.claim(orphan);
        clock.advance(Duration.ofMinutes(11));
        other.claim(done);
        other.complete(done);
        other.claim(held);
        a.claim(ours);

        // when
        var claims = a.claimAll(List.of(fresh, done, held, orphan, ours, fresh));

        // then: answers in the order given (a repeated upload once), and the ledger agrees
        assertThat(claims)
                .containsExactly(
                        java.util.Map.entry(fresh, Claim.CLAIMED),
                        java.util.Map.entry(done, Claim.DONE),
                        java.util.Map.entry(held, Claim.HELD_ELSEWHERE),
                        java.util.Map.entry(orphan, Claim.CLAIMED),
                        java.util.Map.entry(ours, Claim.CLAIMED));
        assertThat(other.claim(fresh)).isEqualTo(Claim.HELD_ELSEWHERE);
        assertThat(dead.claim(orphan)).as("taken over").isEqualTo(Claim.HELD_ELSEWHERE);
        a.completeAll(List.of(fresh, orphan, ours));
        assertThat(List.of(fresh, orphan, ours)).allMatch(a::isDone);
        assertThat(other.claimAll(List.of(fresh, orphan, ours, held)).values())
                .containsExactly(Claim.DONE, Claim.DONE, Claim.DONE, Claim.CLAIMED);
    }

    @Test
    void aWindowRacingAnotherWorkersInsertFallsBackToSingleClaims() {
        // given: another worker inserts one of the window's uploads while the window's rows are read
        UploadLedger other = worker("other");
        ObjectRef first = new ObjectRef("local", "uploads/first.jpg", 1);
        ObjectRef raced = new ObjectRef("local", "uploads/raced.jpg", 1);
        JdbcTemplate racing = new JdbcTemplate(jdbc.getDataSource()) {
            private boolean inserted;

            @Override
            public void query(String sql, org.springframework.jdbc.core.RowCallbackHandler handler, Object... args) {
                super.query(sql, handler, args);
                if (!inserted) {
                    inserted = true;
                    other.claim(raced); // committed in its own transaction, after our read
                }
            }
        };
        UploadLedger a = new UploadLedger(racing, transactions, "a", Duration.ofMinutes(10), clock);

        // when
        var claims = a.claimAll(List.of(first, raced));

        // then: the batch insert hit the other's row, was rolled back, and each was claimed alone
        assertThat(claims).containsEntry(first, Claim.CLAIMED).containsEntry(raced, Claim.HELD_ELSEWHERE);
        assertThat(other.claim(first)).isEqualTo(Claim.HELD_ELSEWHERE);
    }

    @Test
    void overlappingWindowsOfManyWorkersClaimEachUploadOnce() throws Exception {
        List<ObjectRef> uploads = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            uploads.add(new ObjectRef("local", "uploads/" + i + ".jpg", 1));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<java.util.Map<ObjectRef, Claim>>> windows = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            UploadLedger ledger = worker("w" + w);
            List<ObjectRef> mine = new ArrayList<>(uploads);
            java.util.Collections.shuffle(mine, new java.util.Random(w));
            windows.add(pool.submit(() -> {
                go.await();
                return ledger.claimAll(mine);
            }));
        }
        go.countDown();
        java.util.Map<ObjectRef, Integer> winners = new java.util.HashMap<>();
        for (Future<java.util.Map<ObjectRef, Claim>> window : windows) {
            window.get().forEach((ref, claim) -> winners.merge(ref, claim == Claim.CLAIMED ? 1 : 0, Integer::sum));
        }
        pool.shutdown();
        assertThat(winners).hasSize(200).allSatisfy((ref, count) -> assertThat(count)
                .isEqualTo(1));
    }

    @Test
    void concurrentClaimsHaveExactlyOneWinner() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Claim>> claims = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            UploadLedger ledger = worker("w" + i);
            claims.add(pool.submit(() -> {
                go.await();
                return ledger.claim(UPLOAD);
            }));
        }
        go.countDown();
        int winners = 0;
        for (Future<Claim> claim : claims) {
            winners += claim.get() == Claim.CLAIMED ? 1 : 0;
        }
        pool.shutdown();
        assertThat(winners).isEqualTo(1);
    }
}

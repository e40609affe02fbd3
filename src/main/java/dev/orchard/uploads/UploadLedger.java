package dev.orchard.uploads;

import dev.orchard.storage.ObjectRef;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The durable identity of upload work, shared by every worker on one job repository database: one
 * row per {@code (bucket, object, generation)}, claimed by a worker under a lease and marked done
 * once its result is written. The primary key is the cross-replica lock.
 *
 * <p>Contract: {@link #claim} returns {@link Claim#CLAIMED} to exactly one worker at a time; a
 * generation marked {@link #complete done} is never claimed again (a duplicate notification is a
 * no-op); a claim whose lease expired (its worker died: live workers {@link #renewOwnClaims renew}
 * theirs) can be taken over, and a worker may always take back a claim held under its own name
 * (its previous incarnation's, after a restart). Every statement runs in
 * its own transaction, so a lost insert race never poisons the caller's transaction.
 */
public final class UploadLedger {

    /** What {@link #claim} found. */
    public enum Claim {
        /** The caller owns the work now. */
        CLAIMED,
        /** The work was completed before; nothing to do. */
        DONE,
        /** Another worker holds a live lease on it. */
        HELD_ELSEWHERE
    }

    private static final String TABLE = "ORCHARD_UPLOAD_LEDGER";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final String owner;
    private final Duration lease;
    private final Clock clock;

    public UploadLedger(
            JdbcTemplate jdbc, PlatformTransactionManager transactions, String owner, Duration lease, Clock clock) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.owner = owner;
        this.lease = lease;
        this.clock = clock;
        jdbc.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " ("
                + "BUCKET VARCHAR(255) NOT NULL, OBJECT_NAME VARCHAR(1024) NOT NULL, GENERATION BIGINT NOT NULL, "
                + "STATE VARCHAR(16) NOT NULL, OWNER VARCHAR(255) NOT NULL, LEASE_UNTIL TIMESTAMP NOT NULL, "
                + "UPDATED_AT TIMESTAMP NOT NULL, PRIMARY KEY (BUCKET, OBJECT_NAME, GENERATION))");
    }

    public String owner() {
        return owner;
    }

    public Claim claim(ObjectRef ref) {
        Instant now = clock.instant();
        Timestamp until = Timestamp.from(now.plus(lease));
        try {
            inOwnTransaction(() -> jdbc.update(
                    "INSERT INTO " + TABLE
                            + " (BUCKET, OBJECT_NAME, GENERATION, STATE, OWNER, LEASE_UNTIL, UPDATED_AT)"
                            + " VALUES (?, ?, ?, 'CLAIMED', ?, ?, ?)",
                    ref.bucket(),
                    ref.name(),
                    ref.generation(),
                    owner,
                    until,
                    Timestamp.from(now)));
            return Claim.CLAIMED;
        } catch (DuplicateKeyException taken) {
            int renewed = inOwnTransaction(() -> jdbc.update(
                    "UPDATE " + TABLE
                            + " SET OWNER = ?, LEASE_UNTIL = ?, UPDATED_AT = ?"
                            + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND GENERATION = ? AND STATE = 'CLAIMED'"
                            + " AND (LEASE_UNTIL < ? OR OWNER = ?)",
                    owner,
                    until,
                    Timestamp.from(now),
                    ref.bucket(),
                    ref.name(),
                    ref.generation(),
                    Timestamp.from(now),
                    owner));
            if (renewed == 1) {
                return Claim.CLAIMED;
            }
            List<String> state = jdbc.queryForList(
                    "SELECT STATE FROM " + TABLE + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND GENERATION = ?",
                    String.class,
                    ref.bucket(),
                    ref.name(),
                    ref.generation());
            return state.contains("DONE") ? Claim.DONE : Claim.HELD_ELSEWHERE;
        }
    }

    /**
     * Extends the lease of every claim this worker holds, in one statement: called every third of
     * the lease while the worker lives, so only a dead worker's claims ever run out.
     *
     * @return how many claims were renewed
     */
    public int renewOwnClaims() {
        Instant now = clock.instant();
        return inOwnTransaction(() -> jdbc.update(
                "UPDATE " + TABLE + " SET LEASE_UNTIL = ? WHERE OWNER = ? AND STATE = 'CLAIMED'",
                Timestamp.from(now.plus(lease)),
                owner));
    }

    /** The lease a claim gets, and gets again at each renewal. */
    public Duration lease() {
        return lease;
    }

    /** Marks the work done: later claims of the same generation answer {@link Claim#DONE}. */
    public void complete(ObjectRef ref) {
        inOwnTransaction(() -> jdbc.update(
                "UPDATE " + TABLE + " SET STATE = 'DONE', UPDATED_AT = ?"
                        + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND GENERATION = ?",
                Timestamp.from(clock.instant()),
                ref.bucket(),
                ref.name(),
                ref.generation()));
    }

    /** Gives a claim up after a failure, so a retry need not wait for the lease to expire. */
    public void release(ObjectRef ref) {
        inOwnTransaction(() -> jdbc.update(
                "DELETE FROM " + TABLE
                        + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND GENERATION = ? AND STATE = 'CLAIMED' AND OWNER = ?",
                ref.bucket(),
                ref.name(),
                ref.generation(),
                owner));
    }

    /** Whether the generation is recorded as done (for tests and status). */
    public boolean isDone(ObjectRef ref) {
        return jdbc.queryForList(
                        "SELECT STATE FROM " + TABLE + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND GENERATION = ?",
                        String.class,
                        ref.bucket(),
                        ref.name(),
                        ref.generation())
                .contains("DONE");
    }

    /** How many generations of {@code object} are recorded as done. */
    public int doneCount(String bucket, String object) {
        Integer count = jdbc.queryForObject(
                "SELECT COUNT(*) FROM " + TABLE + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND STATE = 'DONE'",
                Integer.class,
                bucket,
                object);
        return count == null ? 0 : count;
    }

    private int inOwnTransaction(java.util.function.IntSupplier statement) {
        Integer result = ownTransaction.execute(status -> statement.getAsInt());
        return result == null ? 0 : result;
    }
}

package dev.orchard.uploads;

import dev.orchard.storage.ObjectRef;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.TransientDataAccessException;
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
 * the claims they are working on) can be taken over, and a worker may always take back a claim held
 * under its own name (its previous incarnation's, after a restart). Every statement runs in its own
 * transaction, so a lost insert race never poisons the caller's transaction.
 *
 * <p>This ledger keeps the keys of the claims it holds until they are {@link #completeAll done},
 * {@link #release released} or {@link #letGo let go}, and renews only those, each by its key: a
 * renewal costs one primary-key update per claim in flight however large the ledger grows, and a
 * previous incarnation's claims under the same name run out after one lease instead of being
 * renewed by the new process forever.
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
    private static final int BATCH = 200;
    /** A new claim: bucket, object, generation, owner, lease until, now. */
    private static final String INSERT_CLAIM = "INSERT INTO " + TABLE
            + " (BUCKET, OBJECT_NAME, GENERATION, STATE, OWNER, LEASE_UNTIL, UPDATED_AT)"
            + " VALUES (?, ?, ?, 'CLAIMED', ?, ?, ?)";
    /**
     * Taking over a claim whose lease ran out or that is our own: owner, lease until, now, bucket,
     * object, generation, now, owner.
     */
    private static final String TAKE_OVER = "UPDATE " + TABLE
            + " SET OWNER = ?, LEASE_UNTIL = ?, UPDATED_AT = ?"
            + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND GENERATION = ? AND STATE = 'CLAIMED'"
            + " AND (LEASE_UNTIL < ? OR OWNER = ?)";

    private static final Comparator<ObjectRef> KEY_ORDER = Comparator.comparing(ObjectRef::bucket)
            .thenComparing(ObjectRef::name)
            .thenComparingLong(ObjectRef::generation);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final String owner;
    private final Duration lease;
    private final Clock clock;
    /**
     * The claims this ledger holds and renews (taken, not yet completed, released or let go), each
     * with a token of its taking, so a renewal that finds an earlier taking gone does not forget a
     * later one of the same key.
     */
    private final Map<ObjectRef, Object> held = new ConcurrentHashMap<>();

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
                    INSERT_CLAIM, ref.bucket(), ref.name(), ref.generation(), owner, until, Timestamp.from(now)));
            held.put(ref, new Object());
            return Claim.CLAIMED;
        } catch (DuplicateKeyException taken) {
            int renewed = inOwnTransaction(() -> jdbc.update(
                    TAKE_OVER,
                    owner,
                    until,
                    Timestamp.from(now),
                    ref.bucket(),
                    ref.name(),
                    ref.generation(),
                    Timestamp.from(now),
                    owner));
            if (renewed == 1) {
                held.put(ref, new Object());
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
     * Claims every upload of a window in one transaction: one read of their rows, one batch of inserts
     * for the new ones and one of lease take-overs, in key order (so two workers claiming overlapping
     * windows lock rows in the same order). Same answers as {@link #claim} for each. When another
     * worker inserted one of them meanwhile (or the database reports a transient conflict), the
     * transaction is rolled back and each upload is claimed on its own.
     *
     * @return what each upload found, in the order given
     */
    public Map<ObjectRef, Claim> claimAll(List<ObjectRef> refs) {
        List<ObjectRef> sorted = refs.stream().distinct().sorted(KEY_ORDER).toList();
        try {
            Map<ObjectRef, Claim> claims = ownTransaction.execute(status -> claimInOne(sorted));
            claims.forEach((ref, claim) -> {
                if (claim == Claim.CLAIMED) {
                    held.put(ref, new Object()); // after the commit: a rolled-back window holds nothing
                }
            });
            return inOrder(refs, claims);
        } catch (DataIntegrityViolationException | TransientDataAccessException raced) {
            Map<ObjectRef, Claim> claims = new HashMap<>();
            sorted.forEach(ref -> claims.put(ref, claim(ref)));
            return inOrder(refs, claims);
        }
    }

    private Map<ObjectRef, Claim> claimInOne(List<ObjectRef> refs) {
        Instant now = clock.instant();
        Timestamp at = Timestamp.from(now);
        Timestamp until = Timestamp.from(now.plus(lease));
        Map<ObjectRef, Row> rows = rowsOf(refs);
        Map<ObjectRef, Claim> claims = new HashMap<>();
        List<ObjectRef> fresh = new ArrayList<>();
        List<ObjectRef> takeOver = new ArrayList<>();
        for (ObjectRef ref : refs) {
            Row row = rows.get(ref);
            if (row == null) {
                fresh.add(ref);
            } else if (row.done()) {
                claims.put(ref, Claim.DONE);
            } else if (row.leaseUntil().before(at) || row.owner().equals(owner)) {
                takeOver.add(ref);
            } else {
                claims.put(ref, Claim.HELD_ELSEWHERE);
            }
        }
        jdbc.batchUpdate(INSERT_CLAIM, fresh, BATCH, (statement, ref) -> {
            key(statement, 1, ref);
            statement.setString(4, owner);
            statement.setTimestamp(5, until);
            statement.setTimestamp(6, at);
        });
        fresh.forEach(ref -> claims.put(ref, Claim.CLAIMED));
        int[][] taken = jdbc.batchUpdate(TAKE_OVER, takeOver, BATCH, (statement, ref) -> {
            statement.setString(1, owner);
            statement.setTimestamp(2, until);
            statement.setTimestamp(3, at);
            key(statement, 4, ref);
            statement.setTimestamp(7, at);
            statement.setString(8, owner);
        });
        int[] counts = perRow(taken);
        for (int i = 0; i < counts.length; i++) {
            ObjectRef ref = takeOver.get(i);
            // 0: finished or taken by its owner between the read and the update (rows are locked now)
            claims.put(ref, counts[i] == 1 ? Claim.CLAIMED : stateAfterRace(ref));
        }
        return claims;
    }

    private Claim stateAfterRace(ObjectRef ref) {
        return isDone(ref) ? Claim.DONE : Claim.HELD_ELSEWHERE;
    }

    /**
     * The ledger rows of {@code refs}, a few hundred keys per statement ({@link #rowsQuery}).
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "SQL_INJECTION_SPRING_JDBC",
            justification = "the statement is built from constants and a number of placeholder triples"
                    + " (rowsQuery); every key is a bound parameter")
    private Map<ObjectRef, Row> rowsOf(List<ObjectRef> refs) {
        Map<ObjectRef, Row> rows = new HashMap<>();
        for (int from = 0; from < refs.size(); from += BATCH) {
            List<ObjectRef> part = refs.subList(from, Math.min(refs.size(), from + BATCH));
            Object[] keys = new Object[part.size() * 3];
            for (int k = 0; k < part.size(); k++) {
                keys[3 * k] = part.get(k).bucket();
                keys[3 * k + 1] = part.get(k).name();
                keys[3 * k + 2] = part.get(k).generation();
            }
            jdbc.query(
                    rowsQuery(part.size()),
                    result -> {
                        rows.put(
                                new ObjectRef(result.getString(1), result.getString(2), result.getLong(3)),
                                new Row(
                                        "DONE".equals(result.getString(4)),
                                        result.getString(5),
                                        result.getTimestamp(6)));
                    },
                    keys);
        }
        return rows;
    }

    /**
     * The rows of {@code keys} keys, bound as {@code (bucket, object, generation)} triples: a join
     * with a {@code VALUES} list, one primary-key lookup per key on H2 and on PostgreSQL, however
     * large the ledger. (A row-value {@code IN} list or an {@code OR} of keys is not: once
     * PostgreSQL's statistics say every row has the same bucket, it takes {@code BUCKET = ?} out of
     * the {@code OR} as the only index condition and filters every row of the bucket through the
     * list: a window's claim then reads the whole ledger.)
     */
    static String rowsQuery(int keys) {
        String key = "(CAST(? AS VARCHAR), CAST(? AS VARCHAR), CAST(? AS BIGINT))"; // no length: nothing cut short
        return "SELECT L.BUCKET, L.OBJECT_NAME, L.GENERATION, L.STATE, L.OWNER, L.LEASE_UNTIL FROM (VALUES "
                + String.join(", ", java.util.Collections.nCopies(keys, key))
                + ") AS K(BUCKET, OBJECT_NAME, GENERATION) JOIN " + TABLE
                + " L ON L.BUCKET = K.BUCKET AND L.OBJECT_NAME = K.OBJECT_NAME AND L.GENERATION = K.GENERATION";
    }

    private record Row(boolean done, String owner, Timestamp leaseUntil) {}

    private static void key(java.sql.PreparedStatement statement, int first, ObjectRef ref)
            throws java.sql.SQLException {
        statement.setString(first, ref.bucket());
        statement.setString(first + 1, ref.name());
        statement.setLong(first + 2, ref.generation());
    }

    private static Map<ObjectRef, Claim> inOrder(List<ObjectRef> refs, Map<ObjectRef, Claim> claims) {
        Map<ObjectRef, Claim> ordered = new LinkedHashMap<>();
        refs.forEach(ref -> ordered.put(ref, claims.get(ref)));
        return ordered;
    }

    /**
     * Extends the lease of every claim this ledger holds (taken and not yet completed, released or
     * let go), one primary-key update per claim in one transaction: called every third of the lease
     * while the worker lives, so only a dead worker's claims run out. A claim found no longer ours
     * (done, or taken over after a missed renewal) is not renewed again.
     *
     * @return how many claims were renewed
     */
    public int renewOwnClaims() {
        Map<ObjectRef, Object> taken = Map.copyOf(held);
        List<ObjectRef> sorted = taken.keySet().stream().sorted(KEY_ORDER).toList();
        if (sorted.isEmpty()) {
            return 0;
        }
        Timestamp until = Timestamp.from(clock.instant().plus(lease));
        int[] counts = perRow(ownTransaction.execute(status -> jdbc.batchUpdate(
                "UPDATE " + TABLE + " SET LEASE_UNTIL = ?"
                        + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND GENERATION = ? AND OWNER = ? AND STATE = 'CLAIMED'",
                sorted,
                BATCH,
                (statement, ref) -> {
                    statement.setTimestamp(1, until);
                    key(statement, 2, ref);
                    statement.setString(5, owner);
                })));
        int renewed = 0;
        for (int i = 0; i < counts.length; i++) {
            ObjectRef ref = sorted.get(i);
            if (counts[i] == 0) {
                held.remove(ref, taken.get(ref));
            } else {
                renewed++;
            }
        }
        return renewed;
    }

    /** A batch update's counts, one per row in the order the rows were given (its batches joined). */
    private static int[] perRow(int[][] batches) {
        return batches == null
                ? new int[0]
                : Arrays.stream(batches).flatMapToInt(Arrays::stream).toArray();
    }

    /**
     * Stops renewing {@code refs}' claims: what is still claimed of them runs out with its lease. For
     * a window that ended without completing or releasing some of its claims (an error it did not
     * expect), so nothing it claimed is held beyond one lease.
     */
    public void letGo(Collection<ObjectRef> refs) {
        refs.forEach(held::remove);
    }

    /** How many claims this ledger holds and renews now (for tests and status). */
    public int heldCount() {
        return held.size();
    }

    /** The lease a claim gets, and gets again at each renewal. */
    public Duration lease() {
        return lease;
    }

    /** Marks the work done: later claims of the same generation answer {@link Claim#DONE}. */
    public void complete(ObjectRef ref) {
        completeAll(List.of(ref));
    }

    /** Marks every one of {@code refs} done, in one transaction (key order, as {@link #claimAll}). */
    public void completeAll(List<ObjectRef> refs) {
        if (refs.isEmpty()) {
            return;
        }
        List<ObjectRef> sorted = refs.stream().distinct().sorted(KEY_ORDER).toList();
        Timestamp at = Timestamp.from(clock.instant());
        try {
            ownTransaction.executeWithoutResult(status -> jdbc.batchUpdate(
                    "UPDATE " + TABLE + " SET STATE = 'DONE', UPDATED_AT = ?"
                            + " WHERE BUCKET = ? AND OBJECT_NAME = ? AND GENERATION = ?",
                    sorted,
                    BATCH,
                    (statement, ref) -> {
                        statement.setTimestamp(1, at);
                        key(statement, 2, ref);
                    }));
        } finally {
            sorted.forEach(held::remove); // done, or (failed) released by the caller or run out with the lease
        }
    }

    /** Gives a claim up after a failure, so a retry need not wait for the lease to expire. */
    public void release(ObjectRef ref) {
        held.remove(ref); // if the delete fails, the claim runs out with its lease
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

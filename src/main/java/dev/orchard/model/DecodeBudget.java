package dev.orchard.model;

import dev.orchard.model.ImageRejectedException.Reason;
import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bytes every image decode in this process may hold at once. A decode reserves what its raster,
 * its decoder's buffers and its copies will take before it allocates any of them, and gives the
 * bytes back when it is done, so concurrent decodes of hostile images cannot together exhaust the
 * heap however they are shaped. Thread-safe.
 *
 * <p>Failure contract: a reservation larger than the whole budget can never succeed and is refused
 * at once ({@link ImageRejectedException} with {@link Reason#TOO_MANY_PIXELS}); one that does not
 * fit now waits up to {@code maxWait} for others to finish, then throws {@link DecodeBusyException}
 * (transient: the caller answers 503 or retries).
 */
public final class DecodeBudget {

    private final long capacity;
    private final Duration maxWait;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition released = lock.newCondition();
    private long reserved;

    public DecodeBudget(long capacity, Duration maxWait) {
        if (capacity < 1) {
            throw new IllegalArgumentException("decode budget must be positive, got " + capacity);
        }
        this.capacity = capacity;
        this.maxWait = maxWait;
    }

    /** Reserves {@code bytes}; close the reservation to give them back. */
    public Reservation reserve(long bytes, String what) {
        if (bytes > capacity) {
            throw new ImageRejectedException(
                    Reason.TOO_MANY_PIXELS,
                    what + " needs " + bytes + " bytes to decode; the decode budget of this worker is " + capacity
                            + " bytes (orchard.images.decode-budget)");
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lock();
        try {
            long left = deadline - System.nanoTime();
            while (reserved + bytes > capacity) {
                if (left <= 0) {
                    throw new DecodeBusyException(
                            what + " needs " + bytes + " bytes to decode and " + (capacity - reserved) + " of the "
                                    + capacity + "-byte decode budget are free; retry shortly");
                }
                left = released.awaitNanos(left);
            }
            reserved += bytes;
            return new Reservation(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DecodeBusyException("interrupted while waiting for decode budget");
        } finally {
            lock.unlock();
        }
    }

    /** Bytes reserved now. */
    public long reserved() {
        lock.lock();
        try {
            return reserved;
        } finally {
            lock.unlock();
        }
    }

    public long capacity() {
        return capacity;
    }

    /** Bytes held by one decode; closing it more than once gives them back once. */
    public final class Reservation implements AutoCloseable {

        private long bytes;

        private Reservation(long bytes) {
            this.bytes = bytes;
        }

        @Override
        public void close() {
            lock.lock();
            try {
                reserved -= bytes;
                bytes = 0;
                released.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}

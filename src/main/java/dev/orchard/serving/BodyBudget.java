package dev.orchard.serving;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The bytes every prediction request's body may hold in memory at once, across all requests: a
 * request reserves its body's array before it allocates it (and each larger array before it grows
 * into it), and gives the bytes back once it is answered. However many connections Tomcat accepts
 * and however their bodies are shaped, the bodies read into the heap stay within this budget.
 * Counted in KiB (a reservation is rounded up). Thread-safe.
 *
 * <p>Failure contract: a reservation larger than the whole budget can never succeed and is refused
 * at once ({@link TensorBodies.BodyTooLargeException}, 413); one that does not fit now waits up to
 * {@code maxWait} for others to finish, then throws {@link OverloadedException} (503, retry).
 */
final class BodyBudget {

    private final Semaphore kib;
    private final int capacityKib;
    private final Duration maxWait;

    BodyBudget(long capacityBytes, Duration maxWait) {
        if (capacityBytes < 1024) {
            throw new IllegalArgumentException("the request body budget must be at least 1KB, got " + capacityBytes);
        }
        this.capacityKib = (int) Math.min(Integer.MAX_VALUE, capacityBytes / 1024);
        this.kib = new Semaphore(capacityKib, true);
        this.maxWait = maxWait;
    }

    /** An empty reservation to grow as a body is read; close it to give everything back. */
    Reservation open() {
        return new Reservation();
    }

    /** Bytes reserved now, in whole KiB. */
    long reservedBytes() {
        return (long) (capacityKib - kib.availablePermits()) * 1024;
    }

    long capacityBytes() {
        return (long) capacityKib * 1024;
    }

    /** What one request holds. Not thread-safe: one request thread grows and closes it. */
    final class Reservation implements AutoCloseable {

        private int held;

        private Reservation() {}

        /**
         * Adds {@code bytes} to what this request holds, waiting up to the budget's wait for room.
         *
         * @throws TensorBodies.BodyTooLargeException if this request would hold more than the whole
         *     budget
         * @throws OverloadedException if there is no room within the wait
         */
        void grow(long bytes) {
            int permits = (int) Math.min(Integer.MAX_VALUE, (bytes + 1023) / 1024);
            if ((long) held + permits > capacityKib) {
                throw new TensorBodies.BodyTooLargeException("the request needs " + ((long) held + permits) * 1024
                        + " bytes in memory; the request body budget of this worker is " + capacityBytes()
                        + " bytes (orchard.serving.requests.body-budget)");
            }
            try {
                if (!kib.tryAcquire(permits, maxWait.toNanos(), TimeUnit.NANOSECONDS)) {
                    throw new OverloadedException("the request bodies being read hold the worker's "
                            + capacityBytes() + "-byte body budget (orchard.serving.requests.body-budget);"
                            + " retry shortly");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OverloadedException("interrupted while waiting for request body budget");
            }
            held += permits;
        }

        /** Gives back {@code bytes} of what this request holds (an array it no longer references). */
        void shrink(long bytes) {
            int permits = (int) Math.min(held, bytes / 1024);
            held -= permits;
            kib.release(permits);
        }

        /** Bytes this request holds, in whole KiB. */
        long bytes() {
            return (long) held * 1024;
        }

        @Override
        public void close() {
            kib.release(held);
            held = 0;
        }
    }
}

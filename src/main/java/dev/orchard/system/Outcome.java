package dev.orchard.system;

/** How one request ended. */
public enum Outcome {
    /** The work ran and its result (or error result) is written. */
    COMPLETED,
    /** The same work was already done. */
    DUPLICATE,
    /**
     * Another worker holds a live claim on the work. Internal to the dispatcher: the request waits
     * and re-checks until that worker finishes (then {@link #DUPLICATE}) or its claim expires (then
     * this worker does the work), so its message is never acked on another worker's promise.
     */
    HELD_ELSEWHERE,
    /** No job spec matches the request; nothing to do. */
    UNMATCHED,
    /** No room to run it now; offer it again later. */
    BUSY,
    /** The work failed (the cause is logged); offering it again retries it. */
    FAILED
}

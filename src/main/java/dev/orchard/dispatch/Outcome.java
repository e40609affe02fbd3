package dev.orchard.dispatch;

/** How one request ended. */
public enum Outcome {
    /** The work ran and its result (or error result) is written. */
    COMPLETED,
    /** The same work was already done, or is held by another worker's live claim. */
    DUPLICATE,
    /** No job spec matches the request; nothing to do. */
    UNMATCHED,
    /** No room to run it now; offer it again later. */
    BUSY,
    /** The work failed (the cause is logged); offering it again retries it. */
    FAILED
}

package dev.orchard.retrain;

/** What a retrain came to. */
public enum RetrainOutcome {
    /** Trained, passed the gate, and is champion now. */
    PROMOTED,
    /** Trained and passed; waits for a person's promotion (or the champion moved meanwhile). */
    PASSED,
    /** Trained and registered, but the gate said no; the champion stays. */
    REJECTED,
    /** Nothing trained: a version already learned from exactly this data with this recipe. */
    UNCHANGED
}

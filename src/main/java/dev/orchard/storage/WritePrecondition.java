package dev.orchard.storage;

/**
 * Condition a write must meet, checked atomically with the write. A failed condition raises
 * {@link PreconditionFailedException} and leaves the object untouched.
 */
public sealed interface WritePrecondition {

    /** Write unconditionally (creates or overwrites). */
    record None() implements WritePrecondition {}

    /** Create-only: fail if any generation of the object exists. */
    record DoesNotExist() implements WritePrecondition {}

    /** Compare-and-swap: fail unless the live generation is exactly {@code generation}. */
    record GenerationMatch(long generation) implements WritePrecondition {}

    static WritePrecondition none() {
        return new None();
    }

    static WritePrecondition doesNotExist() {
        return new DoesNotExist();
    }

    static WritePrecondition generationMatch(long generation) {
        return new GenerationMatch(generation);
    }
}

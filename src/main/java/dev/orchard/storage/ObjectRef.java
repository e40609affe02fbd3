package dev.orchard.storage;

import java.util.Objects;

/**
 * One generation of one object. A generation identifies immutable content: overwriting an object
 * creates a new generation, so {@code (bucket, name, generation)} is the identity of upload work.
 */
public record ObjectRef(String bucket, String name, long generation) {

    public ObjectRef {
        Objects.requireNonNull(bucket, "bucket");
        ObjectNames.requireValid(name);
    }

    /** {@code gs://bucket/name#generation}, the form used in logs and results. */
    @Override
    public String toString() {
        return "gs://" + bucket + "/" + name + "#" + generation;
    }
}

package dev.orchard.trigger;

import dev.orchard.storage.ObjectRef;

/** Work asked of Orchard, whatever trigger it came from. Parsed and validated at the edge. */
public sealed interface JobRequest {

    /**
     * One uploaded object generation to score. Identity: {@code (bucket, object, generation)}; a
     * repeat of the same generation is a duplicate, a new generation is new work.
     *
     * @param source which trigger saw it, for logs ({@code local-watcher}, {@code pubsub}, …)
     */
    record ScoreUpload(ObjectRef object, String source) implements JobRequest {}

    /** Score every image under {@code gs://bucket/prefix} with {@code model} (a batch job). */
    record ScorePrefix(String bucket, String prefix, String model) implements JobRequest {}

    /** Retrain {@code model} on its dataset. */
    record Retrain(String model) implements JobRequest {}

    /** Make {@code version} the champion of {@code model}. */
    record Promote(String model, int version, String by, String reason) implements JobRequest {}

    /** Point the champion of {@code model} back at the version it replaced. */
    record Rollback(String model, String by, String reason) implements JobRequest {}
}

package dev.orchard.trigger;

import dev.orchard.storage.ObjectRef;

/** Work asked of Orchard, whatever trigger it came from. */
public sealed interface JobRequest {

    /**
     * One uploaded object generation to score. Identity: {@code (bucket, object, generation)}; a
     * repeat of the same generation is a duplicate, a new generation is new work.
     *
     * @param source which trigger saw it, for logs ({@code local-watcher}, …)
     */
    record ScoreUpload(ObjectRef object, String source) implements JobRequest {}
}

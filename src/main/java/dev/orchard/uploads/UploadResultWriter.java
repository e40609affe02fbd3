package dev.orchard.uploads;

import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.storage.WritePrecondition;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the one result of an upload. Results are keyed by object name, and the newest generation
 * wins: a result is written only if no result of a newer generation is there (compare-and-swap on
 * the result object, so a late job for an old generation can never overwrite a newer one), and the
 * other kind of result (error vs prediction) of an older generation is removed. Rewriting the same
 * generation (a restarted job) replaces it, so each upload ends with exactly one result.
 */
final class UploadResultWriter {

    private static final Logger log = LoggerFactory.getLogger(UploadResultWriter.class);

    private final BlobStore store;
    private final JsonMapper json;

    UploadResultWriter(BlobStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    void writePrediction(UploadSpec spec, ObjectRef source, UploadPrediction result) {
        write(source, spec.resultName(source.name()), spec.errorName(source.name()), json.writeValueAsBytes(result));
    }

    void writeError(UploadSpec spec, ObjectRef source, UploadError result) {
        write(source, spec.errorName(source.name()), spec.resultName(source.name()), json.writeValueAsBytes(result));
    }

    private void write(ObjectRef source, String target, String sibling, byte[] content) {
        if (generationIn(store.get(source.bucket(), sibling)) > source.generation()) {
            log.info("{}: a newer generation already has a result; not writing {}", source, target);
            return;
        }
        // the common case first: no result yet, so no read before the create-only write
        WritePrecondition precondition = WritePrecondition.doesNotExist();
        for (int attempt = 0; attempt < 20; attempt++) {
            if (attempt > 0) {
                Optional<Blob> existing = store.get(source.bucket(), target);
                if (generationIn(existing) > source.generation()) {
                    log.info("{}: a newer generation already has a result; not writing {}", source, target);
                    return;
                }
                precondition = existing.map(
                                b -> WritePrecondition.generationMatch(b.ref().generation()))
                        .orElse(WritePrecondition.doesNotExist());
            }
            try {
                store.put(source.bucket(), target, content, precondition);
                removeOlder(source, sibling);
                return;
            } catch (PreconditionFailedException exists) {
                // a result is there (an earlier generation's, or another job's meanwhile): read it and compare
            }
        }
        throw new IllegalStateException("could not write " + target + " after 20 attempts");
    }

    private void removeOlder(ObjectRef source, String sibling) {
        Optional<Blob> other = store.get(source.bucket(), sibling);
        if (other.isPresent() && generationIn(other) <= source.generation()) {
            store.delete(source.bucket(), sibling);
        }
    }

    private long generationIn(Optional<Blob> result) {
        if (result.isEmpty()) {
            return Long.MIN_VALUE;
        }
        try {
            JsonNode node = json.readTree(result.get().content());
            return node.path("generation").asLong(Long.MIN_VALUE);
        } catch (RuntimeException unreadable) {
            return Long.MIN_VALUE; // a damaged result is replaced
        }
    }
}

package dev.orchard.storage;

import java.util.List;
import java.util.Optional;

/**
 * The storage port. Implementations are thread-safe.
 *
 * <p>Contract shared by every adapter (and checked by one contract test suite):
 *
 * <ul>
 *   <li>Writes are atomic: a reader sees the old content or the new, never a partial object.
 *   <li>Every write creates a new, strictly greater generation of the object.
 *   <li>{@link WritePrecondition.DoesNotExist} and {@link WritePrecondition.GenerationMatch} are
 *       checked atomically with the write; a loser gets {@link PreconditionFailedException} and the
 *       object is left as the winner wrote it.
 *   <li>Invalid object names ({@code ..}, absolute paths) are refused with {@link
 *       IllegalArgumentException} before any I/O.
 * </ul>
 */
public interface BlobStore {

    /** Reads the live generation, or empty if the object does not exist. */
    Optional<Blob> get(String bucket, String name);

    /** Describes the live generation without reading it, or empty if it does not exist. */
    Optional<StoredObject> stat(String bucket, String name);

    /** Writes {@code content}; returns the new generation. */
    ObjectRef put(String bucket, String name, byte[] content, WritePrecondition precondition);

    /** Lists objects whose names start with {@code prefix}, sorted by name. */
    List<StoredObject> list(String bucket, String prefix);

    /** Deletes the object; returns whether it existed. */
    boolean delete(String bucket, String name);

    /** Reads {@code ref} only if its generation is still live. */
    default Optional<Blob> get(ObjectRef ref) {
        return get(ref.bucket(), ref.name()).filter(blob -> blob.ref().generation() == ref.generation());
    }
}

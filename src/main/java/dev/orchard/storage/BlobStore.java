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

    /** The most bytes any read returns: the largest array the JVM can allocate. */
    long MAX_CONTENT = Integer.MAX_VALUE - 8;

    /**
     * Reads the live generation, or empty if the object does not exist.
     *
     * @throws ObjectTooLargeException if it holds more than {@code maxBytes}: from its metadata
     *     before any content is read, or when a streaming read passes the limit
     */
    Optional<Blob> get(String bucket, String name, long maxBytes);

    /** Reads the live generation (at most {@link #MAX_CONTENT} bytes), or empty if it does not exist. */
    default Optional<Blob> get(String bucket, String name) {
        return get(bucket, name, MAX_CONTENT);
    }

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
        return get(ref, MAX_CONTENT);
    }

    /**
     * Reads {@code ref} only if its generation is still live and holds at most {@code maxBytes}.
     *
     * @throws ObjectTooLargeException as {@link #get(String, String, long)}
     */
    default Optional<Blob> get(ObjectRef ref, long maxBytes) {
        return get(ref.bucket(), ref.name(), maxBytes).filter(blob -> blob.ref().generation() == ref.generation());
    }
}

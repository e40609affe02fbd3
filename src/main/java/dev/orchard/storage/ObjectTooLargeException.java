package dev.orchard.storage;

/**
 * An object is larger than the caller said it would read. Thrown before any of its content is
 * read when its metadata says so, or as soon as a streaming read passes the limit, so a 3 GB
 * object costs no heap.
 */
public class ObjectTooLargeException extends RuntimeException {

    private final long limit;

    public ObjectTooLargeException(String bucket, String name, String size, long limit) {
        super("gs://" + bucket + "/" + name + " is " + size + " bytes; the limit is " + limit);
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}

package dev.orchard.storage;

/** A storage operation failed; the message names the object. */
public class StorageException extends RuntimeException {

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}

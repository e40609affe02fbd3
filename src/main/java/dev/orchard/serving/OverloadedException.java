package dev.orchard.serving;

/** The inference queue is full; the client should retry after a moment (503 with Retry-After). */
public class OverloadedException extends RuntimeException {

    public OverloadedException(String message) {
        super(message);
    }
}

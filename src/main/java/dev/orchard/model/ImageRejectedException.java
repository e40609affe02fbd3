package dev.orchard.model;

/**
 * Untrusted bytes that will not be turned into a tensor. {@link #reason()} is stable and machine
 * readable (it becomes the {@code reason} of error results and the status of HTTP problems).
 */
public class ImageRejectedException extends RuntimeException {

    /** Why an image was refused. */
    public enum Reason {
        /** More bytes than {@code orchard.images.max-bytes}. */
        TOO_LARGE,
        /** Header claims more pixels than {@code orchard.images.max-pixels}; nothing was decoded. */
        TOO_MANY_PIXELS,
        /** Not a format any installed decoder recognises. */
        NOT_AN_IMAGE,
        /** A recognised format in a variant that cannot be decoded (colour model, compression). */
        UNSUPPORTED,
        /** Recognised but truncated or damaged. */
        CORRUPT
    }

    private final Reason reason;

    public ImageRejectedException(Reason reason, String message) {
        this(reason, message, null);
    }

    public ImageRejectedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}

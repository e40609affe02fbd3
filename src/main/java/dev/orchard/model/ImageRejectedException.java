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
        /**
         * Header claims more pixels than {@code orchard.images.max-pixels}, or decoding it would need
         * more memory than the whole decode budget; nothing was decoded.
         */
        TOO_MANY_PIXELS,
        /** Not JPEG, PNG or WebP, nor a format recognised by its signature. */
        NOT_AN_IMAGE,
        /**
         * A format recognised but not decoded here (GIF, BMP, TIFF, ...), or a JPEG, PNG or WebP in
         * a variant that cannot be decoded (colour model, compression, too many scans).
         */
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

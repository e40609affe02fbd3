package dev.orchard.model;

/**
 * A decode could not get its memory from the {@link DecodeBudget} in time because other decodes
 * hold it. Transient: nothing is wrong with the image; HTTP answers 503 with {@code Retry-After},
 * jobs retry the object.
 */
public class DecodeBusyException extends RuntimeException {

    public DecodeBusyException(String message) {
        super(message);
    }
}

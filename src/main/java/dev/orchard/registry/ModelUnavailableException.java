package dev.orchard.registry;

/** The model exists but cannot be served right now (its artifacts failed to load or verify). */
public class ModelUnavailableException extends RuntimeException {

    public ModelUnavailableException(String message) {
        super(message);
    }
}

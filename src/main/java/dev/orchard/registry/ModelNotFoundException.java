package dev.orchard.registry;

/** No such model, version, or alias in the registry. */
public class ModelNotFoundException extends RuntimeException {

    public ModelNotFoundException(String message) {
        super(message);
    }
}

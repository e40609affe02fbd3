package dev.orchard.registry;

/** An artifact's bytes do not hash to what its manifest recorded: the model is not loaded. */
public class ArtifactIntegrityException extends RuntimeException {

    public ArtifactIntegrityException(String message) {
        super(message);
    }
}

package dev.orchard.storage;

/** A conditional write lost: the object exists (create-only) or has another generation (CAS). */
public class PreconditionFailedException extends StorageException {

    public PreconditionFailedException(String bucket, String name, WritePrecondition precondition) {
        super("precondition " + precondition + " failed for gs://" + bucket + "/" + name, null);
    }
}

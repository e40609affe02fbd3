package dev.orchard.storage;

import java.util.List;
import java.util.Optional;

/**
 * A store that passes every call on to another: tests override the calls they make fail or count
 * (storage that is down, flaky, or read too often) and keep a real store behind the rest.
 */
public class ForwardingBlobStore implements BlobStore {

    protected final BlobStore delegate;

    public ForwardingBlobStore(BlobStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public Optional<Blob> get(String bucket, String name, long maxBytes) {
        return delegate.get(bucket, name, maxBytes);
    }

    @Override
    public Optional<StoredObject> stat(String bucket, String name) {
        return delegate.stat(bucket, name);
    }

    @Override
    public ObjectRef put(String bucket, String name, byte[] content, WritePrecondition precondition) {
        return delegate.put(bucket, name, content, precondition);
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix) {
        return delegate.list(bucket, prefix);
    }

    @Override
    public boolean delete(String bucket, String name) {
        return delegate.delete(bucket, name);
    }
}

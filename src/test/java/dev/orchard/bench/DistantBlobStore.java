package dev.orchard.bench;

import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.StoredObject;
import dev.orchard.storage.WritePrecondition;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A store whose every call first waits one network round trip, for benchmarks of how a worker
 * copes with Cloud Storage's latency on a machine without it. The data is the local store's.
 */
final class DistantBlobStore implements BlobStore {

    private final BlobStore local;
    private final long roundTripNanos;

    DistantBlobStore(BlobStore local, Duration roundTrip) {
        this.local = local;
        this.roundTripNanos = roundTrip.toNanos();
    }

    private void roundTrip() {
        long until = System.nanoTime() + roundTripNanos;
        for (long left = roundTripNanos; left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    @Override
    public Optional<Blob> get(String bucket, String name, long maxBytes) {
        roundTrip();
        return local.get(bucket, name, maxBytes);
    }

    @Override
    public Optional<StoredObject> stat(String bucket, String name) {
        roundTrip();
        return local.stat(bucket, name);
    }

    @Override
    public ObjectRef put(String bucket, String name, byte[] content, WritePrecondition precondition) {
        roundTrip();
        return local.put(bucket, name, content, precondition);
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix) {
        roundTrip();
        return local.list(bucket, prefix);
    }

    @Override
    public boolean delete(String bucket, String name) {
        roundTrip();
        return local.delete(bucket, name);
    }
}

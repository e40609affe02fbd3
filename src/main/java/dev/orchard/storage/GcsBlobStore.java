package dev.orchard.storage;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.BlobWriteSession;
import com.google.cloud.storage.Storage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * {@link BlobStore} over Cloud Storage. Preconditions map to {@code ifGenerationMatch=0}
 * (create-only) and {@code ifGenerationMatch=n} (compare-and-swap); a 412 from the service becomes
 * {@link PreconditionFailedException}. Reads pin the generation seen by the metadata call, so
 * content and generation always belong together.
 */
public final class GcsBlobStore implements BlobStore {

    private static final int PRECONDITION_FAILED = 412;
    private static final int NOT_FOUND = 404;

    private final Storage storage;

    public GcsBlobStore(Storage storage) {
        this.storage = storage;
    }

    @Override
    public Optional<Blob> get(String bucket, String name, long maxBytes) {
        ObjectNames.requireValid(name);
        long limit = Math.min(maxBytes, MAX_CONTENT);
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<StoredObject> live = stat(bucket, name);
            if (live.isEmpty()) {
                return Optional.empty();
            }
            if (live.get().size() > limit) {
                throw new ObjectTooLargeException(
                        bucket, name, Long.toString(live.get().size()), limit);
            }
            long generation = live.get().ref().generation();
            try {
                byte[] content = read(BlobId.of(bucket, name, generation), limit);
                return Optional.of(new Blob(live.get().ref(), content));
            } catch (com.google.cloud.storage.StorageException e) {
                if (e.getCode() != NOT_FOUND) {
                    throw new StorageException("cannot read gs://" + bucket + "/" + name, e);
                }
                // overwritten between stat and read: read the newer generation
            }
        }
        throw new StorageException("gs://" + bucket + "/" + name + " kept changing while being read", null);
    }

    /**
     * Reads one generation, whose stored bytes never change once written, so the size its metadata
     * gave is the most this returns; raw, so an object stored with {@code Content-Encoding: gzip}
     * is not inflated on the way (a few KB stored could otherwise be gigabytes read).
     */
    private byte[] read(BlobId id, long limit) {
        byte[] content = storage.readAllBytes(id, Storage.BlobSourceOption.shouldReturnRawInputStream(true));
        if (content.length > limit) {
            throw new ObjectTooLargeException(id.getBucket(), id.getName(), Integer.toString(content.length), limit);
        }
        return content;
    }

    @Override
    public Optional<StoredObject> stat(String bucket, String name) {
        ObjectNames.requireValid(name);
        try {
            return Optional.ofNullable(storage.get(BlobId.of(bucket, name))).map(GcsBlobStore::describe);
        } catch (com.google.cloud.storage.StorageException e) {
            throw new StorageException("cannot stat gs://" + bucket + "/" + name, e);
        }
    }

    @Override
    public ObjectRef put(String bucket, String name, byte[] content, WritePrecondition precondition) {
        ObjectNames.requireValid(name);
        BlobInfo info;
        Storage.BlobWriteOption[] options;
        if (precondition instanceof WritePrecondition.DoesNotExist) {
            info = BlobInfo.newBuilder(BlobId.of(bucket, name)).build();
            options = new Storage.BlobWriteOption[] {Storage.BlobWriteOption.doesNotExist()};
        } else if (precondition instanceof WritePrecondition.GenerationMatch match) {
            info = BlobInfo.newBuilder(BlobId.of(bucket, name, match.generation()))
                    .build();
            options = new Storage.BlobWriteOption[] {Storage.BlobWriteOption.generationMatch()};
        } else {
            info = BlobInfo.newBuilder(BlobId.of(bucket, name)).build();
            options = new Storage.BlobWriteOption[0];
        }
        try {
            BlobWriteSession session = storage.blobWriteSession(info, options);
            try (WritableByteChannel channel = session.open()) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            }
            BlobInfo written = session.getResult().get();
            return new ObjectRef(bucket, name, written.getGeneration());
        } catch (com.google.cloud.storage.StorageException e) {
            throw translate(bucket, name, precondition, e);
        } catch (IOException | ExecutionException e) {
            if (e.getCause() instanceof com.google.cloud.storage.StorageException cause) {
                throw translate(bucket, name, precondition, cause);
            }
            throw new StorageException("cannot write gs://" + bucket + "/" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted writing gs://" + bucket + "/" + name, e);
        }
    }

    /**
     * 412 is the service's answer to a failed precondition. A 404 under {@code ifGenerationMatch}
     * means the object is gone, which is also a lost compare-and-swap.
     */
    private static StorageException translate(
            String bucket, String name, WritePrecondition precondition, com.google.cloud.storage.StorageException e) {
        boolean conditional = !(precondition instanceof WritePrecondition.None);
        boolean lost = e.getCode() == PRECONDITION_FAILED
                || (conditional && e.getCode() == NOT_FOUND)
                || (conditional && e.getCause() instanceof FileAlreadyExistsException);
        if (lost) {
            return new PreconditionFailedException(bucket, name, precondition);
        }
        return new StorageException("cannot write gs://" + bucket + "/" + name, e);
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix) {
        ObjectNames.requireValidPrefix(prefix);
        List<StoredObject> objects = new ArrayList<>();
        try {
            for (com.google.cloud.storage.Blob blob :
                    storage.list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
                if (!blob.getName().endsWith("/")) {
                    objects.add(describe(blob));
                }
            }
        } catch (com.google.cloud.storage.StorageException e) {
            throw new StorageException("cannot list gs://" + bucket + "/" + prefix, e);
        }
        objects.sort(Comparator.comparing(o -> o.ref().name()));
        return objects;
    }

    @Override
    public boolean delete(String bucket, String name) {
        ObjectNames.requireValid(name);
        try {
            return storage.delete(BlobId.of(bucket, name));
        } catch (com.google.cloud.storage.StorageException e) {
            throw new StorageException("cannot delete gs://" + bucket + "/" + name, e);
        }
    }

    private static StoredObject describe(com.google.cloud.storage.Blob blob) {
        Long size = blob.getSize();
        Instant updated = blob.getUpdateTimeOffsetDateTime() == null
                ? Instant.EPOCH
                : blob.getUpdateTimeOffsetDateTime().toInstant();
        return new StoredObject(
                new ObjectRef(blob.getBucket(), blob.getName(), blob.getGeneration()),
                size == null ? 0 : size,
                updated);
    }
}

package dev.orchard.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@link BlobStore} over a directory per bucket: {@code <root>/<bucket>/<object name>}.
 *
 * <p>Generations are emulated with the file's modification time in microseconds (Cloud Storage
 * generations are microsecond timestamps too). A write through this store sets it to {@code
 * max(now, previous + 1)}; a file copied in by hand gets the time the copy finished, so copying a
 * file again with new content is a new generation, exactly like an overwrite in a bucket.
 *
 * <p>Writes go to {@code <root>/.orchard-tmp/} and are renamed into place atomically. Each write's
 * precondition check and rename (not its staging) are serialised per bucket by a {@link
 * BucketLock} (a JVM lock plus an OS file lock on {@code <root>/.orchard-locks/}), so
 * preconditions hold across threads and across worker processes sharing the directory. Needs a file
 * system with sub-second timestamps (ext4, xfs, APFS, NTFS, tmpfs).
 */
public final class LocalBlobStore implements BlobStore {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");

    private final Path root;
    private final Path tmp;
    private final Path locks;
    private final Clock clock;
    /**
     * Staging files are named by this process's random prefix and a counter: unique across the
     * processes sharing a root without asking the system's random source on every write.
     */
    private static final String STAGING_PREFIX = UUID.randomUUID() + "-";

    private static final AtomicLong STAGED = new AtomicLong();

    public LocalBlobStore(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.tmp = this.root.resolve(".orchard-tmp");
        this.locks = this.root.resolve(".orchard-locks");
        this.clock = clock;
        try {
            Files.createDirectories(tmp);
            Files.createDirectories(locks);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create local storage root " + this.root, e);
        }
    }

    /** The directory that holds {@code bucket}'s objects (created on demand). */
    public Path bucketDirectory(String bucket) {
        if (!BUCKET.matcher(bucket).matches()) {
            throw new IllegalArgumentException("invalid bucket name: " + bucket);
        }
        return root.resolve(bucket);
    }

    /**
     * Reads without the bucket's lock, checking the generation before and after; a read that saw the
     * object replaced meanwhile is tried again, and after a few such tries (writers replacing it
     * without pause, another process among them) once more holding the bucket's lock, where no write
     * of a store can replace it.
     */
    @Override
    public Optional<Blob> get(String bucket, String name, long maxBytes) {
        Path path = pathOf(bucket, name);
        long limit = Math.min(maxBytes, MAX_CONTENT);
        for (int attempt = 0; attempt < 5; attempt++) {
            Read read = readOnce(bucket, name, path, limit);
            if (!read.replaced()) {
                return read.blob();
            }
        }
        Read locked = bucketLock(bucket).holding(bucket, () -> readOnce(bucket, name, path, limit));
        if (locked.replaced()) { // changed by hand, outside any store
            throw new StorageException("gs://" + bucket + "/" + name + " kept changing while being read", null);
        }
        return locked.blob();
    }

    /** One read of an object: its blob (empty when missing), or {@code replaced} if it changed while read. */
    private record Read(Optional<Blob> blob, boolean replaced) {}

    private Read readOnce(String bucket, String name, Path path, long limit) {
        if (!Files.isRegularFile(path)) {
            return new Read(Optional.empty(), false); // the common miss answered without an exception
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            long before = attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS);
            long size = attributes.size();
            if (size > limit) {
                throw new ObjectTooLargeException(bucket, name, Long.toString(size), limit);
            }
            byte[] content;
            try (InputStream in = Files.newInputStream(path)) {
                content = in.readNBytes((int) limit + 1);
            }
            if (content.length > limit) {
                throw new ObjectTooLargeException(bucket, name, "more than " + limit, limit);
            }
            return generationOf(path) == before
                    ? new Read(Optional.of(new Blob(new ObjectRef(bucket, name, before), content)), false)
                    : new Read(Optional.empty(), true);
        } catch (NoSuchFileException e) {
            return new Read(Optional.empty(), false);
        } catch (IOException e) {
            throw new StorageException("cannot read gs://" + bucket + "/" + name, e);
        }
    }

    @Override
    public Optional<StoredObject> stat(String bucket, String name) {
        Path path = pathOf(bucket, name);
        if (!Files.isRegularFile(path)) {
            return Optional.empty();
        }
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                return Optional.empty();
            }
            return Optional.of(describe(bucket, name, attributes));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException("cannot stat gs://" + bucket + "/" + name, e);
        }
    }

    /**
     * Stages the content (written, its time set) before taking the bucket's lock; under the lock only
     * the precondition is checked and the staged file renamed into place, so writers of one bucket
     * wait for each other's check and rename only. The generation is the staging time, or {@code
     * previous + 1} when that is not greater than the current generation's.
     */
    @Override
    public ObjectRef put(String bucket, String name, byte[] content, WritePrecondition precondition) {
        Path path = pathOf(bucket, name);
        long staging = nowMicros();
        Path staged = stage(bucket, name, content, staging);
        try {
            return bucketLock(bucket).holding(bucket, () -> {
                Optional<StoredObject> current = stat(bucket, name);
                check(bucket, name, precondition, current);
                long previous = current.map(o -> o.ref().generation()).orElse(0L);
                long generation = Math.max(staging, previous + 1);
                try {
                    if (generation != staging) {
                        setGeneration(staged, generation);
                    }
                    moveIntoPlace(staged, path);
                } catch (FileAlreadyExistsException e) {
                    throw new StorageException("gs://" + bucket + "/" + name + " clashes with a directory", e);
                } catch (IOException e) {
                    throw new StorageException("cannot write gs://" + bucket + "/" + name, e);
                }
                return new ObjectRef(bucket, name, generation);
            });
        } catch (RuntimeException | Error notMoved) {
            // the precondition, the lock or the rename failed: the staged file was never renamed
            deleteQuietly(staged);
            throw notMoved;
        }
    }

    /** Writes {@code content} to a new staging file whose time is {@code generation}. */
    private Path stage(String bucket, String name, byte[] content, long generation) {
        Path staged = tmp.resolve(STAGING_PREFIX + STAGED.incrementAndGet() + ".part");
        try {
            Files.write(staged, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            setGeneration(staged, generation);
            return staged;
        } catch (IOException e) {
            deleteQuietly(staged);
            throw new StorageException("cannot write gs://" + bucket + "/" + name, e);
        }
    }

    /** Sets both times (setting only one would read the other first: one more system call). */
    private static void setGeneration(Path file, long generation) throws IOException {
        FileTime time = FileTime.from(generation, TimeUnit.MICROSECONDS);
        Files.getFileAttributeView(file, BasicFileAttributeView.class).setTimes(time, time, null);
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix) {
        ObjectNames.requireValidPrefix(prefix);
        Path bucketDir = bucketDirectory(bucket);
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? bucketDir : bucketDir.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<StoredObject> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(start)) {
            files.forEach(file -> {
                String name = bucketDir
                        .relativize(file)
                        .toString()
                        .replace(file.getFileSystem().getSeparator(), "/");
                if (!name.startsWith(prefix) || name.isEmpty()) {
                    return;
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        objects.add(describe(bucket, name, attributes));
                    }
                } catch (NoSuchFileException e) {
                    // deleted while listing: not part of the listing
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("cannot list gs://" + bucket + "/" + prefix, e);
        }
        objects.sort(Comparator.comparing(o -> o.ref().name()));
        return objects;
    }

    @Override
    public boolean delete(String bucket, String name) {
        Path path = pathOf(bucket, name);
        return bucketLock(bucket).holding(bucket, () -> {
            try {
                return Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new StorageException("cannot delete gs://" + bucket + "/" + name, e);
            }
        });
    }

    private static void check(
            String bucket, String name, WritePrecondition precondition, Optional<StoredObject> current) {
        boolean ok = true;
        if (precondition instanceof WritePrecondition.DoesNotExist) {
            ok = current.isEmpty();
        } else if (precondition instanceof WritePrecondition.GenerationMatch match) {
            ok = current.isPresent() && current.get().ref().generation() == match.generation();
        }
        if (!ok) {
            throw new PreconditionFailedException(bucket, name, precondition);
        }
    }

    private Path pathOf(String bucket, String name) {
        ObjectNames.requireValid(name);
        Path bucketDir = bucketDirectory(bucket);
        Path path = bucketDir.resolve(name).normalize();
        if (!path.startsWith(bucketDir) || path.equals(bucketDir)) {
            throw new IllegalArgumentException("object name escapes its bucket: " + name);
        }
        return path;
    }

    private static StoredObject describe(String bucket, String name, BasicFileAttributes attributes) {
        long generation = attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS);
        return new StoredObject(
                new ObjectRef(bucket, name, generation),
                attributes.size(),
                attributes.lastModifiedTime().toInstant());
    }

    private static long generationOf(Path path) throws IOException {
        return Files.getLastModifiedTime(path).to(TimeUnit.MICROSECONDS);
    }

    private long nowMicros() {
        Instant now = clock.instant();
        return ChronoUnit.MICROS.between(Instant.EPOCH, now);
    }

    private BucketLock bucketLock(String bucket) {
        return BucketLock.of(locks.resolve(bucketDirectory(bucket).getFileName() + ".lock"));
    }

    /**
     * Renames the staged file over {@code path}; its directories are made only when the rename says
     * they are missing (most writes go to a directory that exists: no look before every rename).
     */
    private static void moveIntoPlace(Path staged, Path path) throws IOException {
        try {
            Files.move(staged, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException missingDirectory) {
            Path parent = path.getParent();
            if (parent == null || Files.isDirectory(parent) || !Files.exists(staged)) {
                throw missingDirectory;
            }
            Files.createDirectories(parent);
            Files.move(staged, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // a leftover staging file is harmless and never listed
        }
    }
}

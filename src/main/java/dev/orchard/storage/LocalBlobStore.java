package dev.orchard.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * <p>Writes go to {@code <root>/.orchard-tmp/} and are renamed into place atomically. Writes to one
 * bucket are serialised by a JVM lock plus an OS file lock on {@code <root>/.orchard-locks/}, so
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
     * In-process locks by lock file, shared by every store of this JVM: a JVM may hold one
     * {@link FileLock} per file, so two stores over one root (two workers in one JVM) must take turns
     * here before the file lock, which only orders processes.
     */
    private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS_BY_FILE = new ConcurrentHashMap<>();

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

    @Override
    public Optional<Blob> get(String bucket, String name, long maxBytes) {
        Path path = pathOf(bucket, name);
        long limit = Math.min(maxBytes, MAX_CONTENT);
        for (int attempt = 0; attempt < 5; attempt++) {
            if (!Files.isRegularFile(path)) {
                return Optional.empty(); // the common miss answered without an exception
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
                if (generationOf(path) == before) {
                    return Optional.of(new Blob(new ObjectRef(bucket, name, before), content));
                }
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new StorageException("cannot read gs://" + bucket + "/" + name, e);
            }
        }
        throw new StorageException("gs://" + bucket + "/" + name + " kept changing while being read", null);
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

    @Override
    public ObjectRef put(String bucket, String name, byte[] content, WritePrecondition precondition) {
        Path path = pathOf(bucket, name);
        return underBucketLock(bucket, () -> {
            Optional<StoredObject> current = stat(bucket, name);
            check(bucket, name, precondition, current);
            long previous = current.map(o -> o.ref().generation()).orElse(0L);
            long generation = Math.max(nowMicros(), previous + 1);
            Path staged = tmp.resolve(UUID.randomUUID() + ".part");
            boolean moved = false;
            try {
                Files.write(staged, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                Files.setLastModifiedTime(staged, FileTime.from(generation, TimeUnit.MICROSECONDS));
                moveIntoPlace(staged, path);
                moved = true;
            } catch (FileAlreadyExistsException e) {
                throw new StorageException("gs://" + bucket + "/" + name + " clashes with a directory", e);
            } catch (IOException e) {
                throw new StorageException("cannot write gs://" + bucket + "/" + name, e);
            } finally {
                if (!moved) {
                    deleteQuietly(staged);
                }
            }
            return new ObjectRef(bucket, name, generation);
        });
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
        return underBucketLock(bucket, () -> {
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

    private <T> T underBucketLock(String bucket, java.util.function.Supplier<T> action) {
        Path lockFile = locks.resolve(bucketDirectory(bucket).getFileName() + ".lock");
        ReentrantLock lock = LOCKS_BY_FILE.computeIfAbsent(lockFile, f -> new ReentrantLock());
        lock.lock();
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            return action.get();
        } catch (IOException e) {
            throw new StorageException("cannot lock bucket " + bucket, e);
        } finally {
            lock.unlock();
        }
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

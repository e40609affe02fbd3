package dev.orchard.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The lock a local bucket's writers take turns on: an in-process lock first, then an OS file lock
 * on the bucket's lock file, which orders processes sharing the directory.
 *
 * <p>One per lock file in the JVM ({@link #of}): a JVM may hold one {@link FileLock} per file, and
 * on Linux closing any descriptor of a file drops the process's locks on it, so every store over
 * one root shares this object and its one descriptor. The descriptor stays open between writes (no
 * open and close per write); if it was closed (a thread interrupted while taking the lock closes
 * it), the next write opens it again.
 */
final class BucketLock {

    private static final ConcurrentHashMap<Path, BucketLock> BY_FILE = new ConcurrentHashMap<>();

    private final Path file;
    private final ReentrantLock turn = new ReentrantLock();
    /** Guarded by {@link #turn}. */
    private FileChannel channel;

    private BucketLock(Path file) {
        this.file = file;
    }

    /** The lock of {@code file}, shared by every store of this JVM. */
    static BucketLock of(Path file) {
        return BY_FILE.computeIfAbsent(file.toAbsolutePath().normalize(), BucketLock::new);
    }

    /**
     * Runs {@code action} holding both locks.
     *
     * @throws StorageException when the file lock cannot be taken
     */
    <T> T holding(String bucket, Supplier<T> action) {
        turn.lock();
        try {
            FileLock held;
            try {
                held = channel().lock();
            } catch (IOException e) {
                closeChannel();
                throw new StorageException("cannot lock bucket " + bucket, e);
            }
            try {
                return action.get();
            } finally {
                try {
                    held.release();
                } catch (IOException e) {
                    closeChannel(); // closing the descriptor drops the lock too
                }
            }
        } finally {
            turn.unlock();
        }
    }

    private FileChannel channel() throws IOException {
        if (channel == null || !channel.isOpen()) {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        return channel;
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // the next write opens a new one
            }
            channel = null;
        }
    }
}

package dev.orchard.uploads;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's name in the upload ledger. Configured ({@code orchard.jobs.worker-id}), it is that
 * name. On a local data directory it is a name kept in that directory and held by a file lock for
 * the life of the process: a worker restarted after a crash (the operating system drops a dead
 * process's locks) takes the same name and so recognises its previous incarnation's claims at once,
 * while a second worker sharing the directory finds the lock held and takes a name of its own
 * (host and process id), which is also the name everywhere else.
 */
final class WorkerIdentity implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerIdentity.class);

    private final String name;
    private final FileChannel held;

    private WorkerIdentity(String name, FileChannel held) {
        this.name = name;
        this.held = held;
    }

    String name() {
        return name;
    }

    /** The configured name, else one tied to {@code dataDirectory} (null: none), else host and pid. */
    static WorkerIdentity of(String configured, Path dataDirectory) {
        if (configured != null && !configured.isBlank()) {
            return new WorkerIdentity(configured, null);
        }
        if (dataDirectory != null) {
            try {
                Files.createDirectories(dataDirectory);
                FileChannel channel = FileChannel.open(
                        dataDirectory.resolve(".orchard-worker.lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    return new WorkerIdentity(storedName(dataDirectory.resolve(".orchard-worker-id")), channel);
                }
                channel.close();
            } catch (IOException e) {
                log.warn("cannot keep a worker name in {}; using host and process id: {}", dataDirectory, e.toString());
            }
        }
        return new WorkerIdentity(hostAndPid(), null);
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException sameProcess) {
            return null;
        }
    }

    private static String storedName(Path file) throws IOException {
        if (Files.exists(file)) {
            String stored = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (!stored.isEmpty() && stored.length() <= 100) {
                return stored;
            }
        }
        String name = "local-" + UUID.randomUUID().toString().substring(0, 8);
        Path staged = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(staged, name, StandardCharsets.UTF_8);
        Files.move(
                staged,
                file,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return name;
    }

    static String hostAndPid() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid();
    }

    @Override
    public void close() throws IOException {
        if (held != null) {
            held.close(); // releases the lock
        }
    }
}

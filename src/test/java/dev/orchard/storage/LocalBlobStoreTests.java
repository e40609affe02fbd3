package dev.orchard.storage;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBlobStoreTests extends BlobStoreContractTests {

    @TempDir
    Path root;

    LocalBlobStore store;

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(root, Clock.systemUTC());
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void twoStoresOverOneRootInOneProcessTakeTurnsAndKeepCompareAndSwap() throws Exception {
        // given: two workers in one JVM over the same data directory
        LocalBlobStore other = new LocalBlobStore(root, Clock.systemUTC());
        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        java.util.List<java.util.concurrent.Future<Boolean>> writes = new java.util.ArrayList<>();

        // when: both create the same 50 objects at once, create-only
        for (int i = 0; i < 200; i++) {
            LocalBlobStore writer = i % 2 == 0 ? store : other;
            String name = "results/" + (i % 50) + ".json";
            writes.add(pool.submit(() -> {
                go.await();
                try {
                    writer.put(BUCKET, name, new byte[] {1}, WritePrecondition.doesNotExist());
                    return true;
                } catch (PreconditionFailedException lost) {
                    return false;
                }
            }));
        }
        go.countDown();
        int created = 0;
        for (var write : writes) {
            created += write.get() ? 1 : 0; // no OverlappingFileLockException: the two stores share a lock
        }
        pool.shutdown();

        // then: each object created exactly once
        assertThat(created).isEqualTo(50);
    }

    @Test
    void writesLandUnderTheBucketDirectoryAndLeaveNoStagingFiles() throws Exception {
        // when
        store.put(BUCKET, "uploads/x.jpg", new byte[] {1, 2, 3}, WritePrecondition.none());

        // then
        assertThat(root.resolve(BUCKET).resolve("uploads/x.jpg")).hasBinaryContent(new byte[] {1, 2, 3});
        try (var staged = Files.list(root.resolve(".orchard-tmp"))) {
            assertThat(staged).isEmpty();
        }
    }

    @Test
    void writesIntoNewDirectoriesAndRefusesNamesThatClashWithAnObjectOrADirectory() throws Exception {
        // given an object, and a new name three directories deep
        store.put(BUCKET, "results/a.json", new byte[] {1}, WritePrecondition.none());
        store.put(BUCKET, "results/deep/er/still/b.json", new byte[] {2}, WritePrecondition.doesNotExist());

        // when a name goes through the object, or is a directory's
        assertThatThrownBy(() -> store.put(BUCKET, "results/a.json/c.json", new byte[] {3}, WritePrecondition.none()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("results/a.json/c.json");
        assertThatThrownBy(() -> store.put(BUCKET, "results/deep", new byte[] {4}, WritePrecondition.none()))
                .isInstanceOf(StorageException.class)
                .hasMessageContaining("results/deep");

        // then the objects are as written and nothing staged is left
        assertThat(store.get(BUCKET, "results/a.json").orElseThrow().content()).containsExactly(1);
        assertThat(store.get(BUCKET, "results/deep/er/still/b.json")
                        .orElseThrow()
                        .content())
                .containsExactly(2);
        try (var staged = Files.list(root.resolve(".orchard-tmp"))) {
            assertThat(staged).isEmpty();
        }
    }

    @Test
    void aFileCopiedInByHandIsAnObjectWithAGeneration() throws Exception {
        // given
        Files.createDirectories(root.resolve(BUCKET).resolve("uploads"));
        Files.write(root.resolve(BUCKET).resolve("uploads/hand.txt"), new byte[] {9});

        // when
        var listed = store.list(BUCKET, "uploads/");

        // then
        assertThat(listed).singleElement().satisfies(o -> assertThat(o.ref().generation())
                .isPositive());
        assertThat(store.get(listed.get(0).ref())).isPresent();
    }

    @Test
    void twoProcessesOverOneRootKeepCompareAndSwap() throws Exception {
        // given: another process over the same directory, ready to add 300 to a counter object
        store.put(BUCKET, COUNTER, "0".getBytes(java.nio.charset.StandardCharsets.US_ASCII), WritePrecondition.none());
        Process other = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        LocalStoreWriterProcess.class.getName(),
                        root.toString(),
                        "300")
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (var out = new java.io.BufferedReader(new java.io.InputStreamReader(
                        other.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
                var in = other.getOutputStream()) {
            assertThat(out.readLine()).isEqualTo("ready");

            // when: both add to it at once, each by read and compare-and-swap write
            in.write('\n');
            in.flush();
            increment(store, 300);
            assertThat(out.readLine()).isEqualTo("done");

            // then: no increment lost
            assertThat(new String(
                            store.get(BUCKET, COUNTER, 100).orElseThrow().content(),
                            java.nio.charset.StandardCharsets.US_ASCII))
                    .isEqualTo("600");
            assertThat(other.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void aReaderIsAnsweredWhileWritersReplaceTheObjectWithoutPause() throws Exception {
        // given: two threads overwriting one object as fast as the store lets them
        store.put(BUCKET, COUNTER, "0".getBytes(US_ASCII), WritePrecondition.none());
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
            writers.submit(() -> {
                for (long i = 0; writing.get(); i++) {
                    store.put(BUCKET, COUNTER, Long.toString(i).getBytes(US_ASCII), WritePrecondition.none());
                }
                return null;
            });
        }
        try {
            // when: read again and again meanwhile
            for (int i = 0; i < 20_000; i++) {
                // then: every read is answered with a whole version, never "kept changing"
                Blob read = store.get(BUCKET, COUNTER, 100).orElseThrow();
                assertThat(new String(read.content(), US_ASCII)).matches("[0-9]+");
            }
        } finally {
            writing.set(false);
            writers.shutdown();
            assertThat(writers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    private static final String COUNTER = "counter.txt";

    /** Adds one to the counter object {@code times} times: read it, write it back only if unchanged. */
    static void increment(BlobStore store, int times) {
        for (int i = 0; i < times; ) {
            Blob current = store.get(BUCKET, COUNTER, 100).orElseThrow();
            long value = Long.parseLong(new String(current.content(), java.nio.charset.StandardCharsets.US_ASCII));
            try {
                store.put(
                        BUCKET,
                        COUNTER,
                        Long.toString(value + 1).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                        WritePrecondition.generationMatch(current.ref().generation()));
                i++;
            } catch (PreconditionFailedException lost) {
                // the other process wrote first: read again
            }
        }
    }

    @Test
    void aWriterInterruptedWhileWaitingForTheBucketFailsAloneAndLeavesNoStagingFile() throws Exception {
        // given: a writer waiting while the bucket is held
        BucketLock lock = BucketLock.of(root.resolve(".orchard-locks").resolve(BUCKET + ".lock"));
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        Thread holder = new Thread(() -> lock.holding(BUCKET, () -> {
            held.countDown();
            try {
                return release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }));
        holder.start();
        held.await();
        java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                new java.util.concurrent.atomic.AtomicReference<>();
        Thread writer = new Thread(() -> {
            try {
                store.put(BUCKET, "a.txt", new byte[] {1}, WritePrecondition.none());
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });
        writer.start();
        while (writer.isAlive() && writer.getState() != Thread.State.WAITING) {
            Thread.sleep(1);
        }

        // when: it is interrupted there, then the bucket is free again
        writer.interrupt();
        release.countDown();
        writer.join();
        holder.join();

        // then: that write failed clearly, and the next writes take the lock again
        assertThat(failure.get()).isInstanceOf(StorageException.class).hasMessageContaining("cannot lock bucket");
        assertThat(store.get(BUCKET, "a.txt", 10)).isEmpty();
        store.put(BUCKET, "b.txt", new byte[] {2}, WritePrecondition.none());
        assertThat(store.get(BUCKET, "b.txt", 10)).isPresent();
        try (var staged = Files.list(root.resolve(".orchard-tmp"))) {
            assertThat(staged).isEmpty();
        }
    }

    @Test
    void overwritingAnObjectWhoseTimeIsAheadOfTheClockStillRaisesItsGeneration() throws Exception {
        // given: an object copied in with a time an hour ahead
        Path file = root.resolve(BUCKET).resolve("ahead.txt");
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {1});
        long ahead = java.time.temporal.ChronoUnit.MICROS.between(
                java.time.Instant.EPOCH, java.time.Instant.now().plusSeconds(3600));
        Files.setLastModifiedTime(
                file, java.nio.file.attribute.FileTime.from(ahead, java.util.concurrent.TimeUnit.MICROSECONDS));

        // when
        ObjectRef written = store.put(BUCKET, "ahead.txt", new byte[] {2}, WritePrecondition.generationMatch(ahead));

        // then
        assertThat(written.generation()).isEqualTo(ahead + 1);
        assertThat(store.get(BUCKET, "ahead.txt", 10))
                .hasValueSatisfying(b -> assertThat(b.ref()).isEqualTo(written));
    }
}

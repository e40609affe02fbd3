package dev.orchard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
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
}

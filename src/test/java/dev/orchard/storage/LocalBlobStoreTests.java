package dev.orchard.storage;

import static org.assertj.core.api.Assertions.assertThat;

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

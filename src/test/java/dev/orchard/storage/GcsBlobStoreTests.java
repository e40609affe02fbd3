package dev.orchard.storage;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import org.junit.jupiter.api.BeforeEach;

/**
 * Runs the contract against {@link GcsBlobStore} over google-cloud-nio's in-memory {@code Storage}.
 * The fake keeps generations and checks preconditions on the resumable-upload path that {@link
 * GcsBlobStore} uses, but it is not thread-safe and throws on a compare-and-swap against a missing
 * object, so those two cases are skipped here (LocalBlobStoreTests runs them; real Cloud Storage
 * answers them with 412).
 */
class GcsBlobStoreTests extends BlobStoreContractTests {

    GcsBlobStore store;

    @BeforeEach
    void setUp() {
        store = new GcsBlobStore(LocalStorageHelper.customOptions(false).getService());
    }

    @Override
    boolean fullFidelity() {
        return false;
    }

    @Override
    BlobStore store() {
        return store;
    }
}

package dev.orchard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.Classifier;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.WritePrecondition;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** TensorFlow SavedModels registered, verified, loaded and swapped through the registry. */
class ChampionModelsTests {

    static final float[][] BRIGHT = {{1, 1, 1, 1}};

    @TempDir
    Path root;

    LocalBlobStore store;
    ModelRegistry registry;
    ChampionModels champions;

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(root.resolve("data"), Clock.systemUTC());
        registry = new ModelRegistry(store, "models", JsonMapper.builder().build(), Clock.systemUTC(), "test");
        champions = new ChampionModels(
                registry, new ModelLoader(registry, root.resolve("work")), Duration.ZERO, Clock.systemUTC());
    }

    /** Registers a SavedModel that answers "bright" (or the opposite when {@code inverted}). */
    int registerSavedModel(boolean inverted) throws IOException {
        return TestModels.registerLamp(registry, root, "lamp", inverted);
    }

    @Test
    void servesTheChampionAndSwapsWithoutClosingModelsInUse() throws Exception {
        // given
        int v1 = registerSavedModel(false);
        int v2 = registerSavedModel(true);
        Alias alias = registry.promote("lamp", v1, Optional.empty(), "test", "first");
        LoadedModel.Lease old = champions.lease("lamp");
        assertThat(old.manifest().version()).isEqualTo(v1);
        assertThat(old.classifier().classify(BRIGHT, 1).get(0).label()).isEqualTo("bright");

        // when
        registry.promote("lamp", v2, Optional.of(alias), "test", "second");

        // then: new leases get v2, the old lease still works until it is closed
        try (LoadedModel.Lease fresh = champions.lease("lamp")) {
            assertThat(fresh.manifest().version()).isEqualTo(v2);
            assertThat(fresh.classifier().classify(BRIGHT, 1).get(0).label()).isEqualTo("dark");
        }
        assertThat(old.classifier().classify(BRIGHT, 1).get(0).label()).isEqualTo("bright");
        old.close();
        assertThat(champions.loaded("lamp"))
                .get()
                .extracting(ModelManifest::version)
                .isEqualTo(v2);
        champions.close();
    }

    @Test
    void aModelWithoutChampionIsNotFound() {
        assertThatThrownBy(() -> champions.lease("lamp")).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> champions.lease("../etc")).isInstanceOf(ModelNotFoundException.class);
    }

    @Test
    void aTamperedChampionIsNotLoadedAndTheOldOneStays() throws Exception {
        // given
        int v1 = registerSavedModel(false);
        int v2 = registerSavedModel(true);
        Alias alias = registry.promote("lamp", v1, Optional.empty(), "test", "first");
        champions.lease("lamp").close();
        tamper(v2);

        // when
        registry.promote("lamp", v2, Optional.of(alias), "test", "tampered");

        // then
        try (LoadedModel.Lease lease = champions.lease("lamp")) {
            assertThat(lease.manifest().version()).isEqualTo(v1);
        }
    }

    @Test
    void aTamperedFirstChampionIsUnavailable() throws Exception {
        int v1 = registerSavedModel(false);
        tamper(v1);
        registry.promote("lamp", v1, Optional.empty(), "test", "tampered");
        assertThatThrownBy(() -> champions.lease("lamp"))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("sha256");
    }

    @Test
    void madeUpNamesHoldNoStateAndCostOneStorageReadPerRefreshInterval() {
        // given: a worker that checks aliases every minute, its storage calls counted
        CountingStore counting = new CountingStore(store);
        ModelRegistry counted =
                new ModelRegistry(counting, "models", JsonMapper.builder().build(), Clock.systemUTC(), "test");
        ChampionModels served = new ChampionModels(
                counted, new ModelLoader(counted, root.resolve("work2")), Duration.ofMinutes(1), Clock.systemUTC());

        // when: 5,000 made-up names, then one of them 1,000 times
        for (int i = 0; i < 5_000; i++) {
            String name = "ghost-" + i;
            assertThatThrownBy(() -> served.lease(name)).isInstanceOf(ModelNotFoundException.class);
        }
        int afterNames = counting.calls.get();
        for (int i = 0; i < 1_000; i++) {
            assertThatThrownBy(() -> served.lease("ghost-4999")).isInstanceOf(ModelNotFoundException.class);
        }

        // then
        assertThat(served.servedModels()).isZero();
        assertThat(afterNames).isEqualTo(5_000);
        assertThat(counting.calls.get()).isEqualTo(afterNames);
    }

    @Test
    void aMissingOrBrokenPinnedVersionIsNotLookedUpOrLoadedOnEveryCall() throws Exception {
        // given: version 1 tampered with, no version 9
        int v1 = registerSavedModel(false);
        tamper(v1);
        CountingStore counting = new CountingStore(store);
        ModelRegistry counted =
                new ModelRegistry(counting, "models", JsonMapper.builder().build(), Clock.systemUTC(), "test");
        VersionedModels versions = new VersionedModels(
                counted, new ModelLoader(counted, root.resolve("work3")), 4, Duration.ofMinutes(1), Clock.systemUTC());

        // when / then
        assertThatThrownBy(() -> versions.lease("lamp", 9)).isInstanceOf(ModelNotFoundException.class);
        assertThatThrownBy(() -> versions.lease("lamp", v1))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessageContaining("sha256");
        int afterFirst = counting.calls.get();
        for (int i = 0; i < 500; i++) {
            assertThatThrownBy(() -> versions.lease("lamp", 9)).isInstanceOf(ModelNotFoundException.class);
            assertThatThrownBy(() -> versions.lease("lamp", v1))
                    .isInstanceOf(ModelUnavailableException.class)
                    .hasMessageContaining("sha256");
        }
        assertThat(counting.calls.get()).isEqualTo(afterFirst);
        versions.close();
    }

    @Test
    void aVersionPinnedToTheChampionUsesTheLoadedChampionNotASecondCopy() throws Exception {
        // given: v1 is the champion, loaded and served
        int v1 = registerSavedModel(false);
        int v2 = registerSavedModel(true);
        Alias alias = registry.promote("lamp", v1, Optional.empty(), "test", "first");
        CountingStore counting = new CountingStore(store);
        ModelRegistry counted =
                new ModelRegistry(counting, "models", JsonMapper.builder().build(), Clock.systemUTC(), "test");
        ChampionModels served = new ChampionModels(
                counted, new ModelLoader(counted, root.resolve("work4")), Duration.ofMinutes(1), Clock.systemUTC());
        VersionedModels versions = new VersionedModels(
                counted,
                new ModelLoader(counted, root.resolve("work5")),
                served,
                4,
                Duration.ofMinutes(1),
                Clock.systemUTC());
        Classifier champion;
        try (LoadedModel.Lease lease = served.lease("lamp")) {
            champion = lease.classifier();
        }
        int afterChampion = counting.calls.get();

        // when: a job pins v1
        LoadedModel.Lease pinned = versions.lease("lamp", v1);

        // then: it is the champion's model; nothing was read from storage or loaded again
        assertThat(pinned.classifier()).isSameAs(champion);
        assertThat(counting.calls.get()).isEqualTo(afterChampion);

        // when: the champion moves on to v2 while the pinned lease is still open
        registry.promote("lamp", v2, Optional.of(alias), "test", "second");
        served.refresh("lamp");

        // then: the open lease keeps working; v1 pinned afresh is loaded on its own, v2 is the champion
        assertThat(pinned.classifier().classify(BRIGHT, 1).get(0).label()).isEqualTo("bright");
        pinned.close();
        try (LoadedModel.Lease again = versions.lease("lamp", v1);
                LoadedModel.Lease current = versions.lease("lamp", v2);
                LoadedModel.Lease newChampion = served.lease("lamp")) {
            assertThat(again.classifier()).isNotSameAs(champion);
            assertThat(again.classifier().classify(BRIGHT, 1).get(0).label()).isEqualTo("bright");
            assertThat(current.classifier()).isSameAs(newChampion.classifier());
        }
        versions.close();
        served.close();
    }

    /** Overwrites the version's graph with bytes that do not match its manifest's sha256. */
    void tamper(int version) {
        store.put(
                "models",
                "models/lamp/versions/" + version + "/model/saved_model.pb",
                new byte[] {0, 1, 2},
                WritePrecondition.none());
    }

    /** Counts every read of storage (get, stat, list) and passes it on. */
    static final class CountingStore extends dev.orchard.storage.ForwardingBlobStore {
        final java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();

        CountingStore(dev.orchard.storage.BlobStore delegate) {
            super(delegate);
        }

        @Override
        public Optional<dev.orchard.storage.Blob> get(String bucket, String name, long maxBytes) {
            calls.incrementAndGet();
            return delegate.get(bucket, name, maxBytes);
        }

        @Override
        public Optional<dev.orchard.storage.StoredObject> stat(String bucket, String name) {
            calls.incrementAndGet();
            return delegate.stat(bucket, name);
        }

        @Override
        public List<dev.orchard.storage.StoredObject> list(String bucket, String prefix) {
            calls.incrementAndGet();
            return delegate.list(bucket, prefix);
        }
    }
}

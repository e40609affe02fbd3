package dev.orchard.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.ModelInput;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.storage.WritePrecondition;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class ModelRegistryTests {

    @TempDir
    Path root;

    ModelRegistry registry;
    LocalBlobStore store;

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(root, Clock.systemUTC());
        registry =
                new ModelRegistry(store, "models-bucket", JsonMapper.builder().build(), Clock.systemUTC(), "test");
    }

    ModelDraft draft(String content) {
        return new ModelDraft(
                "fruit",
                ModelManifest.Kind.TRIBUO,
                new ModelInput(8, 8, 1, ModelInput.Scaling.UNIT),
                ModelManifest.Output.PROBABILITIES,
                List.of("apple", "pear"),
                null,
                null,
                null,
                null,
                Map.of("model/model.pb", content.getBytes(UTF_8)));
    }

    @Test
    void versionsAreNumberedAndHashed() {
        // when
        ModelManifest first = registry.register(draft("one"), "test");
        ModelManifest second = registry.register(draft("two"), "test");

        // then
        assertThat(first.version()).isEqualTo(1);
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.artifacts()).containsEntry("model/model.pb", Sha256.hex("two".getBytes(UTF_8)));
        assertThat(registry.versions("fruit"))
                .extracting(ModelManifest::version)
                .containsExactly(1, 2);
        assertThat(registry.models()).containsExactly("fruit");
        assertThat(registry.manifest("fruit", 3)).isEmpty();
    }

    @Test
    void provenanceIsAStructuredRecordAndOldFreeTextManifestsStillRead() {
        // given: a version registered with a structured provenance, and one written before it was
        ModelManifest.Provenance provenance = new ModelManifest.Provenance(
                "retrain",
                "retrain-7",
                "http:admin",
                java.time.Instant.parse("2026-11-30T08:00:00Z"),
                java.time.Instant.parse("2026-11-30T08:01:00Z"),
                Map.of("java", "17"),
                Map.of("epochLoss", List.of(0.5, 0.25)));
        ModelDraft d = draft("one");
        ModelManifest first = registry.register(
                new ModelDraft(
                        d.name(),
                        d.kind(),
                        d.input(),
                        d.output(),
                        d.labels(),
                        null,
                        null,
                        null,
                        provenance,
                        d.artifacts()),
                "test");
        String legacy = new String(
                        store.get("models-bucket", "models/fruit/versions/1/manifest.json")
                                .orElseThrow()
                                .content(),
                        UTF_8)
                .replace("\"version\":1", "\"version\":2")
                .replaceAll("\"provenance\":\\{.*?\\}\\},", "\"provenance\":\"Trainer: CART, seed 12345\",");
        store.put(
                "models-bucket",
                "models/fruit/versions/2/manifest.json",
                legacy.getBytes(UTF_8),
                WritePrecondition.none());

        // then
        assertThat(registry.manifest("fruit", first.version()).orElseThrow().provenance())
                .isEqualTo(provenance);
        ModelManifest.Provenance old =
                registry.manifest("fruit", 2).orElseThrow().provenance();
        assertThat(old.source()).as(legacy).isEqualTo("legacy");
        assertThat(old.details()).containsEntry("text", "Trainer: CART, seed 12345");
    }

    @Test
    void concurrentRegistrationsNeverShareAVersion() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        List<Future<Integer>> versions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String content = "model-" + i;
            versions.add(
                    pool.submit(() -> registry.register(draft(content), "test").version()));
        }
        List<Integer> assigned = new ArrayList<>();
        for (Future<Integer> v : versions) {
            assigned.add(v.get());
        }
        pool.shutdown();
        assertThat(assigned).containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void promotionIsACompareAndSwapOnTheAlias() {
        // given
        registry.register(draft("one"), "test");
        registry.register(draft("two"), "test");
        Alias first = registry.promote("fruit", 1, Optional.empty(), "alice", "first");

        // when
        Alias second = registry.promote("fruit", 2, Optional.of(first), "bob", "better");

        // then
        assertThat(registry.champion("fruit")).get().extracting(Alias::version).isEqualTo(2);
        assertThat(second.previous()).isEqualTo(1);
        assertThatThrownBy(() -> registry.promote("fruit", 1, Optional.of(first), "carol", "stale view"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> registry.promote("fruit", 1, Optional.empty(), "dave", "thinks there is none"))
                .isInstanceOf(PreconditionFailedException.class);
        assertThatThrownBy(() -> registry.promote("fruit", 9, Optional.of(second), "erin", "no such version"))
                .isInstanceOf(ModelNotFoundException.class);
        String audit = new String(
                store.get("models-bucket", "models/fruit/audit.jsonl")
                        .orElseThrow()
                        .content(),
                UTF_8);
        assertThat(audit.lines()).hasSize(4).anySatisfy(line -> assertThat(line).contains("\"by\":\"bob\""));
    }

    @Test
    void tenConcurrentPromotersHaveExactlyOneWinnerPerRound() throws Exception {
        for (int v = 1; v <= 10; v++) {
            registry.register(draft("v" + v), "test");
        }
        registry.promote("fruit", 1, Optional.empty(), "init", "start");
        ExecutorService pool = Executors.newFixedThreadPool(10);
        for (int round = 0; round < 5; round++) {
            Alias seen = registry.champion("fruit").orElseThrow();
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> attempts = new ArrayList<>();
            for (int p = 1; p <= 10; p++) {
                int version = p;
                attempts.add(pool.submit(() -> {
                    go.await();
                    try {
                        registry.promote("fruit", version, Optional.of(seen), "promoter-" + version, "race");
                        return true;
                    } catch (PreconditionFailedException lost) {
                        return false;
                    }
                }));
            }
            go.countDown();
            int winners = 0;
            for (Future<Boolean> attempt : attempts) {
                winners += attempt.get() ? 1 : 0;
            }
            assertThat(winners).as("round %d", round).isEqualTo(1);
        }
        pool.shutdown();
    }
}

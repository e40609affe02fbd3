package dev.orchard.uploads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.model.TestImages;
import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.ModelLoader;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.registry.TestModels;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ForwardingBlobStore;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.system.Outcome;
import dev.orchard.system.Spans;
import dev.orchard.testing.MutableClock;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One window scored against a real registry, store and ledger (H2 in memory), with the clock
 * injected: each upload ends with exactly one result or error result, and reports what it became.
 */
class UploadScorerTests {

    static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");

    @TempDir
    Path root;

    final JsonMapper json = JsonMapper.builder().build();
    final MutableClock clock = new MutableClock(NOW);
    LocalBlobStore store;
    ChampionModels champions;
    UploadLedger ledger;
    UploadLedger otherWorker;
    UploadScorer scorer;
    /** Reads and writes side by side, as on Cloud Storage. */
    final UploadIo io = new UploadIo(4, 4);

    UploadSpec spec;

    @BeforeEach
    void setUp() throws Exception {
        store = new LocalBlobStore(root.resolve("data"), Clock.systemUTC());
        ModelRegistry registry = new ModelRegistry(store, "models", json, Clock.systemUTC(), "test");
        TestModels.registerLamp(registry, root, "lamp", false);
        registry.promote("lamp", 1, Optional.empty(), "test", "first");
        champions = new ChampionModels(
                registry, new ModelLoader(registry, root.resolve("work")), Duration.ofMinutes(1), Clock.systemUTC());
        var dataSource = new SimpleDriverDataSource(
                new org.h2.Driver(), "jdbc:h2:mem:scorer-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", "sa", "");
        var transactions = new DataSourceTransactionManager(dataSource);
        ledger = new UploadLedger(new JdbcTemplate(dataSource), transactions, "me", Duration.ofSeconds(30), clock);
        otherWorker =
                new UploadLedger(new JdbcTemplate(dataSource), transactions, "other", Duration.ofSeconds(30), clock);
        ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofKilobytes(64), 1_000_000));
        scorer = new UploadScorer(
                store, decoder, champions, ledger, json, clock, Spans.OFF, UploadMetrics.none(), 32, io);
        spec = TestUploadSpecs.scoringWith("lamp");
    }

    @AfterEach
    void close() {
        io.close();
        champions.close();
    }

    ObjectRef upload(String name, byte[] content) {
        return store.put("local", "uploads/" + name, content, WritePrecondition.none());
    }

    JsonNode result(String name) {
        return json.readTree(
                store.get("local", "predictions/uploads/" + name).orElseThrow().content());
    }

    @Test
    void goodImagesAreScoredTogetherAndBadOnesGetTheirErrorResult() {
        // given
        ObjectRef bright = upload("bright.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        ObjectRef gif = upload("anim.png", TestImages.encoded("gif", 8, 8, BufferedImage.TYPE_INT_RGB));
        ObjectRef huge = upload("huge.png", new byte[100 * 1024]);
        UploadWindow window = new UploadWindow("w1", spec, List.of(bright, gif, huge));

        // when
        UploadScorer.Counts counts = scorer.score(window);

        // then
        assertThat(counts).isEqualTo(new UploadScorer.Counts(3, 1, 2));
        JsonNode scored = result("bright.png.json");
        assertThat(scored.path("label").asString()).isIn("dark", "bright");
        assertThat(scored.path("generation").asLong()).isEqualTo(bright.generation());
        assertThat(scored.path("version").asInt()).isEqualTo(1);
        assertThat(scored.path("scoredAt").asString()).isEqualTo(NOW.toString());
        assertThat(scored.path("top")).hasSize(2);
        assertThat(result("anim.png.error.json").path("reason").asString()).isEqualTo("UNSUPPORTED");
        assertThat(result("huge.png.error.json").path("reason").asString()).isEqualTo("TOO_LARGE");
        for (ObjectRef object : List.of(bright, gif, huge)) {
            assertThat(window.outcomeOf(object)).isEqualTo(Outcome.COMPLETED);
            assertThat(ledger.isDone(object)).isTrue();
        }
    }

    @Test
    void doneHeldAndDeletedUploadsAreReportedAndNotScoredAgain() {
        // given: one already done, one claimed by a live worker, one deleted before scoring
        ObjectRef done = upload("done.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        ledger.claim(done);
        ledger.complete(done);
        ObjectRef held = upload("held.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        otherWorker.claim(held);
        ObjectRef gone = upload("gone.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        store.delete("local", "uploads/gone.png");
        UploadWindow window = new UploadWindow("w2", spec, List.of(done, held, gone));

        // when
        scorer.score(window);

        // then
        assertThat(window.outcomeOf(done)).isEqualTo(Outcome.DUPLICATE);
        assertThat(window.outcomeOf(held)).isEqualTo(Outcome.HELD_ELSEWHERE);
        assertThat(window.outcomeOf(gone)).isEqualTo(Outcome.COMPLETED);
        assertThat(store.get("local", "predictions/uploads/done.png.json")).isEmpty();
        assertThat(store.get("local", "predictions/uploads/held.png.json")).isEmpty();
        assertThat(result("gone.png.error.json").path("reason").asString()).isEqualTo("NOT_FOUND");
    }

    @Test
    void withoutAChampionEveryUploadFailsAndItsClaimIsGivenBack() {
        UploadSpec ghost = TestUploadSpecs.scoringWith("ghost");
        ObjectRef image = upload("a.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        UploadWindow window = new UploadWindow("w3", ghost, List.of(image));

        scorer.score(window);

        assertThat(window.outcomeOf(image)).isEqualTo(Outcome.FAILED);
        assertThat(otherWorker.claim(image))
                .as("nothing held: a retry may take it at once")
                .isEqualTo(UploadLedger.Claim.CLAIMED);
    }

    @Test
    void aLateResultOfAnOlderGenerationNeverReplacesTheNewerOne() {
        // given: generation 2 scored first
        ObjectRef first = upload("twice.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        ObjectRef second = upload("twice.png", TestImages.encoded("png", 16, 16, BufferedImage.TYPE_INT_RGB));
        scorer.score(new UploadWindow("w4", spec, List.of(second)));

        // when: the older generation's window runs late (its object is no longer live)
        UploadWindow late = new UploadWindow("w5", spec, List.of(first));
        scorer.score(late);

        // then
        assertThat(result("twice.png.json").path("generation").asLong()).isEqualTo(second.generation());
        assertThat(store.get("local", "predictions/uploads/twice.png.error.json"))
                .isEmpty();
        assertThat(late.outcomeOf(first)).isEqualTo(Outcome.COMPLETED);
    }

    @Test
    void aWindowEndedByAnErrorItDoesNotExpectHoldsItsClaimsForOneLeaseOnly() {
        // given: result writes that end in an Error (nothing in the scorer catches one)
        BlobStore breaking = new ForwardingBlobStore(store) {
            @Override
            public ObjectRef put(String bucket, String name, byte[] content, WritePrecondition precondition) {
                if (name.startsWith("predictions/")) {
                    throw new StackOverflowError("a writer that broke");
                }
                return super.put(bucket, name, content, precondition);
            }
        };
        UploadScorer breakingScorer = new UploadScorer(
                breaking,
                new ImageDecoder(ImageLimits.of(DataSize.ofKilobytes(64), 1_000_000)),
                champions,
                ledger,
                json,
                clock,
                Spans.OFF,
                UploadMetrics.none(),
                32,
                io);
        ObjectRef image = upload("a.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));

        // when
        assertThatThrownBy(() -> breakingScorer.score(new UploadWindow("w6", spec, List.of(image))))
                .isInstanceOf(StackOverflowError.class);

        // then: the claim is no longer renewed, so it runs out after one lease and another worker takes it
        assertThat(ledger.heldCount()).isZero();
        assertThat(ledger.renewOwnClaims()).isZero();
        assertThat(otherWorker.claim(image)).isEqualTo(UploadLedger.Claim.HELD_ELSEWHERE);
        clock.advance(Duration.ofSeconds(31));
        assertThat(otherWorker.claim(image)).isEqualTo(UploadLedger.Claim.CLAIMED);
    }

    @Test
    void aScoredWindowLeavesNoClaimToRenew() {
        ObjectRef image = upload("b.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        ObjectRef held = upload("held.png", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        otherWorker.claim(held);

        scorer.score(new UploadWindow("w7", spec, List.of(image, held)));

        assertThat(ledger.heldCount()).isZero();
        assertThat(otherWorker.heldCount()).as("the other worker's claim").isEqualTo(1);
    }
}

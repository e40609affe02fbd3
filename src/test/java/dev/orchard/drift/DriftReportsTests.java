package dev.orchard.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.model.ModelInput;
import dev.orchard.model.PredictionObserver;
import dev.orchard.model.PredictionProfile;
import dev.orchard.model.ProfileRecorder;
import dev.orchard.registry.ModelDraft;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.testing.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reports over two workers sharing one bucket (each with its own live windows and exchange), on
 * synthetic predictions whose distributions are known: merging across replicas, windows by count
 * and by time, no verdict below the minimum sample, and the first-predictions baseline.
 */
class DriftReportsTests {

    static final ModelInput INPUT = new ModelInput(2, 2, 1, ModelInput.Scaling.UNIT);
    static final List<String> LABELS = List.of("cat", "dog");

    @TempDir
    Path root;

    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    DriftProperties properties = properties(true);

    /**
     * Small windows for tests: the last 400 predictions in slices of 100, the last 10 minutes in
     * 1-minute slices, a verdict from 200 samples, first-predictions baselines of 300.
     */
    static DriftProperties properties(boolean enabled) {
        return new DriftProperties(
                enabled,
                400,
                Duration.ofMinutes(10),
                100,
                Duration.ofMinutes(1),
                200,
                0.25,
                0.1,
                300,
                Duration.ofSeconds(30),
                Duration.ofHours(1));
    }

    JsonMapper json = JsonMapper.builder().build();
    LocalBlobStore store;
    ModelRegistry registry;
    Worker a;
    Worker b;

    record Worker(LiveProfiles live, DriftExchange exchange, DriftReports reports, DriftMonitor monitor) {}

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(root, clock);
        registry = new ModelRegistry(store, "models", json, clock, "test");
        a = worker("a");
        b = worker("b");
    }

    Worker worker(String name) {
        LiveProfiles live = new LiveProfiles(properties, clock);
        DriftExchange exchange = new DriftExchange(store, "models", name, json, properties, clock);
        DriftReports reports = new DriftReports(
                registry, live, exchange, new DriftClaims(store, "models", json, clock), properties, clock);
        DriftMonitor monitor = new DriftMonitor(
                live,
                exchange,
                reports,
                new DriftMetrics(new SimpleMeterRegistry()),
                registry,
                null,
                properties,
                // these versions store no snapshot: no holdout to score again
                new HoldoutBaselines(store, registry, null, null));
        return new Worker(live, exchange, reports, monitor);
    }

    /** A champion whose holdout said "cat" 50 times and "dog" 50 times, all on mid-grey images. */
    int championWithBaseline(String model) {
        ProfileRecorder holdout = new ProfileRecorder(INPUT, LABELS);
        predict(holdout, 50, "cat", 0.5f);
        predict(holdout, 50, "dog", 0.5f);
        return champion(
                model,
                new ModelManifest.Metrics(100, 0.9, 0.9, Map.of(), new int[0][])
                        .withBaseline(holdout.snapshot("holdout")));
    }

    int champion(String model, ModelManifest.Metrics metrics) {
        int version = registry.register(
                        new ModelDraft(
                                model,
                                ModelManifest.Kind.TRIBUO,
                                INPUT,
                                ModelManifest.Output.PROBABILITIES,
                                LABELS,
                                metrics,
                                null,
                                null,
                                null,
                                Map.of("model/model.pb", "x".getBytes(StandardCharsets.UTF_8))),
                        "test")
                .version();
        registry.promote(model, version, Optional.empty(), "test", "first");
        return version;
    }

    static void predict(PredictionObserver observer, int n, String label, float grey) {
        for (int i = 0; i < n; i++) {
            float[] row = {grey, grey, grey, grey};
            observer.observed(
                    new float[][] {row},
                    new float[][] {label.equals("cat") ? new float[] {0.9f, 0.1f} : new float[] {0.1f, 0.9f}});
        }
    }

    PredictionObserver observer(Worker worker, String model, int version) {
        return worker.live().observer(model, version, INPUT, LABELS);
    }

    @Test
    void replicasSeeEachOthersTrafficThroughTheBucket() {
        // given: worker a counted 150 cats, worker b 150 dogs and published nothing yet
        int v = championWithBaseline("pets");
        predict(observer(a, "pets", v), 150, "cat", 0.5f);
        predict(observer(b, "pets", v), 150, "dog", 0.5f);
        assertThat(countWindow(a.reports().report("pets")).predictions()).isEqualTo(150);

        // when: b publishes
        b.monitor().run();
        a.exchange().refresh();
        DriftReport merged = a.reports().report("pets");

        // then: a's report holds both workers' predictions: an even mix, like the baseline
        DriftReport.Window count = countWindow(merged);
        assertThat(count.workers()).isEqualTo(2);
        assertThat(count.predictions()).isEqualTo(300);
        DriftReport.Statistic label = count.statistic("label").orElseThrow();
        assertThat(label.live()).isEqualTo(Map.of("cat", 150L, "dog", 150L));
        assertThat(label.psi()).isLessThan(0.01);
        assertThat(label.verdict()).isEqualTo("stable");
        assertThat(merged.drifted()).isFalse();
    }

    @Test
    void theCountWindowHoldsTheNewestPredictionsAndTheTimeWindowTheRecentOnes() {
        // given: 400 even predictions, then 10 minutes later 400 cats
        int v = championWithBaseline("pets");
        PredictionObserver observer = observer(a, "pets", v);
        predict(observer, 200, "cat", 0.5f);
        predict(observer, 200, "dog", 0.5f);
        clock.advance(Duration.ofMinutes(11));
        predict(observer, 400, "cat", 0.5f);

        // when
        DriftReport report = a.reports().report("pets");

        // then: both windows see only the cats, which is drift of the label
        for (DriftReport.Window window : report.windows()) {
            DriftReport.Statistic label = window.statistic("label").orElseThrow();
            assertThat(label.live()).as(window.kind()).isEqualTo(Map.of("cat", 400L, "dog", 0L));
            assertThat(label.verdict()).isEqualTo("drifted");
            assertThat(label.psi()).isGreaterThan(1);
            // the images look the same as the baseline's
            assertThat(window.statistic("brightness").orElseThrow().verdict()).isEqualTo("stable");
        }
        assertThat(report.drifted()).isTrue();
        assertThat(DriftReports.crossing(
                        report,
                        new DriftTrigger(
                                dev.orchard.model.ProfileStatistic.LABEL,
                                DriftTrigger.Measure.PSI,
                                0.25,
                                DriftTrigger.WindowKind.COUNT,
                                400,
                                Duration.ofHours(1))))
                .hasValueSatisfying(reason ->
                        assertThat(reason).startsWith("drift: psi(label)=").contains("over 400"));
    }

    @Test
    void belowTheMinimumSampleThereIsNoVerdict() {
        int v = championWithBaseline("pets");
        predict(observer(a, "pets", v), 150, "cat", 1f);

        DriftReport report = a.reports().report("pets");

        DriftReport.Statistic label = countWindow(report).statistic("label").orElseThrow();
        assertThat(label.psi()).isGreaterThan(1);
        assertThat(label.verdict()).isEqualTo("too-few-samples");
        assertThat(report.drifted()).isFalse();
        assertThat(DriftReports.crossing(
                        report,
                        new DriftTrigger(
                                dev.orchard.model.ProfileStatistic.LABEL,
                                DriftTrigger.Measure.PSI,
                                0.25,
                                DriftTrigger.WindowKind.COUNT,
                                200,
                                Duration.ofHours(1))))
                .isEmpty();
    }

    @Test
    void aVersionWithoutHoldoutTakesItsFirstPredictionsAsBaseline() {
        // given: a model brought in with no metrics
        int v = champion("imported", null);
        assertThat(a.reports().report("imported").baseline()).isNull();
        assertThat(countWindow(a.reports().report("imported"))
                        .statistic("label")
                        .orElseThrow()
                        .verdict())
                .isEqualTo("no-baseline");

        // when: worker a counts its first 300 predictions (even, grey) and publishes
        PredictionObserver observer = observer(a, "imported", v);
        predict(observer, 150, "cat", 0.5f);
        predict(observer, 150, "dog", 0.5f);
        a.monitor().run();

        // then: that is the baseline, for worker b too; later dark images drift from it
        DriftReport seen = b.reports().report("imported");
        assertThat(seen.baseline().source()).isEqualTo("first-predictions");
        assertThat(seen.baseline().predictions()).isEqualTo(300);
        predict(observer(b, "imported", v), 400, "cat", 0.02f);
        DriftReport dark = b.reports().report("imported");
        assertThat(countWindow(dark).statistic("brightness").orElseThrow().verdict())
                .isEqualTo("drifted");
        // and a later worker's different first predictions do not replace it
        b.monitor().run();
        assertThat(a.exchange().baseline("imported", v).map(PredictionProfile::labels))
                .hasValue(Map.of("cat", 150L, "dog", 150L));
    }

    @Test
    void stalePublishedWindowsAreNotReadAndAreDeleted() {
        int v = championWithBaseline("pets");
        predict(observer(b, "pets", v), 150, "dog", 0.5f);
        b.monitor().run();
        clock.advance(Duration.ofHours(2));
        a.exchange().refresh();

        assertThat(countWindow(a.reports().report("pets")).workers()).isZero();
        assertThat(store.list("models", DriftExchange.prefix("pets", v) + "workers/"))
                .isEmpty();
    }

    static DriftReport.Window countWindow(DriftReport report) {
        return report.windows().get(0);
    }
}

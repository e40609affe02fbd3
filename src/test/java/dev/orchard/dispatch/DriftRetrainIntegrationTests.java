package dev.orchard.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.drift.DriftReport;
import dev.orchard.drift.DriftReports;
import dev.orchard.drift.DriftTrigger;
import dev.orchard.model.ProfileStatistic;
import dev.orchard.model.TestImages;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.retrain.RetrainOutcome;
import dev.orchard.retrain.RetrainProperties;
import dev.orchard.retrain.RetrainRuns;
import dev.orchard.retrain.RetrainRunsAwait;
import dev.orchard.retrain.RetrainStatus;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.SampleDataset;
import dev.orchard.training.TrainedChampions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/**
 * Drift end to end on real Fashion-MNIST images sent to {@code :classify}: an unshifted stream stays
 * below the threshold; the same images inverted cross it; with new labelled data exactly one retrain
 * starts (the reason in the audit log and the new version's provenance), without it the drift is
 * reported and nothing is retrained; the cool-down holds. Windows are driven by count (the shared
 * worker counts 600-prediction windows in slices of 100) and the trigger is checked by calling it.
 */
class DriftRetrainIntegrationTests extends EmbeddedWorkerSupport {

    static final int PER_LABEL = 250;
    static final int STREAM_PER_LABEL = 200;

    @Autowired
    ModelTraining training;

    @Autowired
    ModelRegistry registry;

    @Autowired
    RetrainRuns runs;

    @Autowired
    DriftReports reports;

    @Autowired
    RetrainTriggers.DriftSignals driftSignals;

    RetrainProperties properties = new RetrainProperties(
            0.5, 0.01, RetrainProperties.Promote.AUTO, 3, Duration.ofMinutes(1), Duration.ofMinutes(1));

    DriftTrigger brightness = new DriftTrigger(
            ProfileStatistic.BRIGHTNESS,
            DriftTrigger.Measure.PSI,
            0.5,
            DriftTrigger.WindowKind.COUNT,
            300,
            Duration.ofHours(1));

    @Test
    void anUnshiftedStreamStaysBelowAndInvertedImagesWithNewDataStartExactlyOneRetrain() throws Exception {
        // given: a champion trained on 250 images of each of 3 labels (its holdout is its baseline)
        Path dataset = DATA.resolve("local/drift-b-training");
        TrainedChampions.championTrainedOn(training, registry, DATA.resolve("local"), dataset, "drift-b", PER_LABEL, 6);
        RetrainSpec spec = spec("drift-b", "gs://local/drift-b-training/");
        RetrainTriggers triggers = triggers(spec);
        assertThat(registry.manifest("drift-b", 1)
                        .orElseThrow()
                        .metrics()
                        .baseline()
                        .source())
                .isEqualTo("holdout");

        // when: 600 unshifted images
        stream("drift-b", false);

        // then: every statistic of the count window has its samples and no verdict of drift
        DriftReport calm = reports.report("drift-b");
        DriftReport.Statistic calmBrightness = countWindow(calm, "brightness");
        assertThat(calmBrightness.samples()).isEqualTo(600);
        assertThat(calmBrightness.psi()).as(calm.toString()).isLessThan(0.5);
        assertThat(countWindow(calm, "label").verdict()).isEqualTo("stable");
        assertThat(countWindow(calm, "source-size").samples()).isEqualTo(600);
        assertThat(triggers.watchDrift(spec)).isEmpty();

        // when: new labelled data arrives, then 600 inverted images
        TrainedChampions.addImages(dataset, PER_LABEL, 20);
        stream("drift-b", true);

        // then: brightness crossed; the trigger starts one retrain, and not a second within the cool-down
        DriftReport shifted = reports.report("drift-b");
        assertThat(countWindow(shifted, "brightness").verdict()).isEqualTo("drifted");
        assertThat(countWindow(shifted, "brightness").psi()).isGreaterThan(0.5);
        Optional<RetrainRuns.Submission> fired = triggers.watchDrift(spec);
        assertThat(fired).isPresent();
        assertThat(triggers.watchDrift(spec)).isEmpty();
        RetrainStatus result = RetrainRunsAwait.ended(runs, fired.get().id(), Duration.ofMinutes(2));
        assertThat(result.outcome()).as(result.toString()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(result.by()).startsWith("drift:retrain-drift-b (drift: psi(brightness)=");
        assertThat(registry.versions("drift-b")).hasSize(2);
        assertThat(registry.manifest("drift-b", 2).orElseThrow().provenance().by())
                .contains("over 600 predictions");
        assertThat(registry.auditLog("drift-b")).anySatisfy(entry -> assertThat(entry.action() + " " + entry.reason())
                .startsWith("drift drift: psi(brightness)="));
        assertThat(reports.report("drift-b").trigger().outcome()).isEqualTo("started");
        assertThat(triggers.watchDrift(spec)).isEmpty();
    }

    @Test
    void driftWithoutNewLabelledDataIsReportedNotRetrained() throws Exception {
        // given
        Path dataset = DATA.resolve("local/drift-a-training");
        TrainedChampions.championTrainedOn(training, registry, DATA.resolve("local"), dataset, "drift-a", PER_LABEL, 6);
        RetrainSpec spec = spec("drift-a", "gs://local/drift-a-training/");
        RetrainTriggers triggers = triggers(spec);

        // when: inverted images and no new labelled data
        stream("drift-a", true);
        Optional<RetrainRuns.Submission> fired = triggers.watchDrift(spec);

        // then: refused as unchanged, recorded for the drift route; no version, no second try in the cool-down
        assertThat(fired).hasValueSatisfying(s -> assertThat(s.outcome()).isEqualTo(RetrainOutcome.UNCHANGED));
        assertThat(registry.versions("drift-a")).hasSize(1);
        ResponseEntity<String> response = get("/v1/models/drift-a/drift");
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode body = json.readTree(response.getBody());
        assertThat(body.path("drifted").asBoolean()).isTrue();
        assertThat(body.path("trigger").path("outcome").asString()).isEqualTo("unchanged");
        assertThat(body.path("trigger").path("detail").asString()).contains("drift is reported, not retrained on");
        assertThat(body.path("note").asString()).contains("not retrained on");
        JsonNode count = body.path("windows").get(0);
        assertThat(count.path("kind").asString()).isEqualTo("count");
        assertThat(count.path("predictions").asLong()).isEqualTo(600);
        TrainedChampions.addImages(dataset, PER_LABEL, 20);
        assertThat(triggers.watchDrift(spec)).isEmpty();
        assertThat(registry.versions("drift-a")).hasSize(1);

        // and: the metrics carry it, per model, version, window and statistic
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(get("/actuator/prometheus").getBody())
                        .containsPattern("orchard_drift_psi\\{[^}]*model=\"drift-a\"[^}]*statistic=\"brightness\"")
                        .containsPattern("orchard_drift_drifted\\{[^}]*model=\"drift-a\"[^}]*\\} 1\\.0"));
    }

    @Test
    void aVersionRegisteredBeforeBaselinesGetsItsStoredHoldoutScoredAgain() throws Exception {
        // given: a version whose manifest has no baseline, as every version had before drift
        Path dataset = DATA.resolve("local/drift-legacy-training");
        TrainedChampions.championTrainedOn(
                training, registry, DATA.resolve("local"), dataset, "drift-legacy", PER_LABEL, 6);
        ModelManifest recorded = registry.manifest("drift-legacy", 1).orElseThrow();
        Path manifest = DATA.resolve(registry.bucket()).resolve("models/drift-legacy/versions/1/manifest.json");
        tools.jackson.databind.node.ObjectNode legacy =
                (tools.jackson.databind.node.ObjectNode) json.readTree(manifest);
        ((tools.jackson.databind.node.ObjectNode) legacy.get("metrics")).remove("baseline");
        Files.writeString(manifest, json.writeValueAsString(legacy));
        assertThat(registry.manifest("drift-legacy", 1).orElseThrow().metrics().baseline())
                .isNull();

        // when: it serves traffic
        stream("drift-legacy", false);

        // then: its holdout, scored again, is its baseline — the same counts it would have recorded
        DriftReport report = await().atMost(Duration.ofSeconds(60))
                .until(() -> reports.report("drift-legacy"), r -> r.baseline() != null);
        assertThat(report.baseline().source()).isEqualTo("holdout");
        assertThat(report.baseline().predictions()).isEqualTo(recorded.metrics().holdoutSize());
        assertThat(countWindow(report, "label").baseline())
                .isEqualTo(recorded.metrics().baseline().labels());
        assertThat(countWindow(report, "brightness").verdict()).isEqualTo("stable");
    }

    @Test
    void unknownModelsAndNamesAreProblems() {
        assertProblem(get("/v1/models/nobody-has-this/drift"), 404, "no champion");
        assertProblem(get("/v1/models/Bad..Name/drift"), 400, "model name");
    }

    RetrainSpec spec(String model, String dataset) {
        return RetrainTriggersIntegrationTests.spec(model, dataset, 6, null, null, brightness);
    }

    RetrainTriggers triggers(RetrainSpec spec) {
        return RetrainTriggersIntegrationTests.triggers(runs, training, properties, driftSignals, spec);
    }

    /** 200 images of each label, interleaved, 20 per request: 600 predictions. */
    void stream(String model, boolean inverted) throws IOException {
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < STREAM_PER_LABEL; i++) {
            for (String label : TrainedChampions.LABELS) {
                byte[] png =
                        Files.readAllBytes(SampleDataset.images(label, i + 1).get(i));
                images.add(inverted ? TestImages.inverted(png) : png);
            }
        }
        for (int from = 0; from < images.size(); from += 20) {
            ResponseEntity<String> answer =
                    classify(model, images.subList(from, from + 20).toArray(new byte[0][]));
            assertThat(answer.getStatusCode().value()).as(answer.getBody()).isEqualTo(200);
        }
    }

    static DriftReport.Statistic countWindow(DriftReport report, String statistic) {
        return report.windows().get(0).statistic(statistic).orElseThrow();
    }
}

package dev.orchard.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.drift.DriftTrigger;
import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.retrain.RetrainOutcome;
import dev.orchard.retrain.RetrainProperties;
import dev.orchard.retrain.RetrainRuns;
import dev.orchard.retrain.RetrainRunsAwait;
import dev.orchard.retrain.RetrainStatus;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.TrainedChampions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A retrain spec's own triggers on real images: "N new labelled objects since the champion's
 * snapshot" and a cron schedule; neither trains twice on the same data.
 */
class RetrainTriggersIntegrationTests extends EmbeddedWorkerSupport {

    @Autowired
    ModelTraining training;

    @Autowired
    ModelRegistry registry;

    @Autowired
    RetrainRuns runs;

    @Autowired
    RetrainTriggers.DriftSignals driftSignals;

    RetrainProperties properties = new RetrainProperties(
            0.5, 0.01, RetrainProperties.Promote.AUTO, 3, Duration.ofMinutes(1), Duration.ofMillis(200));

    RetrainSpec spec(String model, String dataset, String schedule, Integer newObjects) {
        return spec(model, dataset, 4, schedule, newObjects, null);
    }

    /** {@code retrain-<model>}: tribuo-cart of {@code maxDepth} on {@code dataset}, a gate every candidate passes. */
    static RetrainSpec spec(
            String model, String dataset, int maxDepth, String schedule, Integer newObjects, DriftTrigger drift) {
        return new RetrainSpec(
                "retrain-" + model,
                model,
                dataset,
                "tribuo-cart",
                Map.of("maxDepth", maxDepth),
                0.0,
                1.0,
                null,
                schedule,
                newObjects,
                drift,
                "test");
    }

    RetrainTriggers triggers(RetrainSpec... specs) {
        return triggers(runs, training, properties, driftSignals, specs);
    }

    /** Triggers for {@code specs} alone (not started: a test calls their checks or starts them). */
    static RetrainTriggers triggers(
            RetrainRuns runs,
            ModelTraining training,
            RetrainProperties properties,
            RetrainTriggers.DriftSignals drift,
            RetrainSpec... specs) {
        JobSpecs jobSpecs = new JobSpecs(List.of(), List.of(), List.of(specs));
        return new RetrainTriggers(
                jobSpecs, new JobDispatcher(jobSpecs, null, null, runs, null), runs, training, properties, drift);
    }

    @Test
    void enoughNewLabelledObjectsStartOneRetrain() throws Exception {
        // given: champion v1 learned from 30 images per label; the spec wants 15 new ones
        Path dataset = DATA.resolve("local/watched-training");
        int v1 = TrainedChampions.championTrainedOn(
                training, registry, DATA.resolve("local"), dataset, "watched", 30, 4);
        RetrainSpec spec = spec("watched", "gs://local/watched-training/", null, 15);
        RetrainTriggers triggers = triggers(spec);
        try {
            watchUntilRetrained(triggers, spec, dataset, v1);
        } finally {
            triggers.stop();
        }
    }

    private void watchUntilRetrained(RetrainTriggers triggers, RetrainSpec spec, Path dataset, int v1)
            throws Exception {
        // when / then: nothing new, then 12 new (4 per label): below the threshold
        assertThat(triggers.watch(spec)).isEmpty();
        TrainedChampions.addImages(dataset, 30, 4);
        assertThat(runs.newObjects("watched", spec.recipe())).isEqualTo(12);
        assertThat(triggers.watch(spec)).isEmpty();

        // when: 6 more (18 new): the watcher retrains, with the spec's recipe and gate
        TrainedChampions.addImages(dataset, 34, 2);
        Optional<RetrainRuns.Submission> fired = triggers.watch(spec);

        // then: while it runs, the watcher does not fire again
        assertThat(fired).isPresent();
        RetrainStatus result = RetrainRunsAwait.ended(runs, fired.get().id(), Duration.ofMinutes(2));
        assertThat(result.outcome()).as(result.toString()).isEqualTo(RetrainOutcome.PROMOTED);
        assertThat(result.by()).isEqualTo("new-objects:retrain-watched");
        assertThat(result.thresholds().minAccuracy()).isZero();
        assertThat(registry.champion("watched").map(Alias::version)).hasValue(result.version());
        assertThat(registry.manifest("watched", result.version())
                        .orElseThrow()
                        .dataset()
                        .objects())
                .isEqualTo(3 * 36);
        // and the new champion's snapshot is the new baseline
        assertThat(runs.newObjects("watched", spec.recipe())).isZero();
        assertThat(triggers.watch(spec)).isEmpty();
        assertThat(registry.versions("watched")).hasSize(2);
        assertThat(v1).isEqualTo(1);
    }

    @Test
    void aScheduleRetrainsOnNewDataAndIsIdleOtherwise() throws Exception {
        // given: champion v1, new data, and a spec firing every second
        Path dataset = DATA.resolve("local/ticking-training");
        TrainedChampions.championTrainedOn(training, registry, DATA.resolve("local"), dataset, "ticking", 30, 4);
        TrainedChampions.addImages(dataset, 30, 5);
        RetrainTriggers triggers = triggers(spec("ticking", "gs://local/ticking-training/", "* * * * * *", null));

        // when
        triggers.start();
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() ->
                            registry.champion("ticking").map(Alias::version).orElse(0) == 2);
            Thread.sleep(3000); // more ticks on the same data
        } finally {
            triggers.stop();
        }

        // then: one retrain for the new data, the later ticks found it unchanged
        assertThat(registry.versions("ticking")).hasSize(2);
        assertThat(registry.manifest("ticking", 2).orElseThrow().gate().decision())
                .isEqualTo("promote");
    }

    @Test
    void aSpecWithAnUnknownTrainerOrParameterStopsStartUp() {
        RetrainSpec unknownTrainer = new RetrainSpec(
                "bad",
                "bad",
                "gs://local/x/",
                "xgboost",
                Map.of(),
                null,
                null,
                null,
                null,
                null,
                null,
                "jobs/bad.yaml");
        RetrainSpec unknownParam = new RetrainSpec(
                "bad",
                "bad",
                "gs://local/x/",
                "tensorflow-cnn",
                Map.of("layers", 3),
                null,
                null,
                null,
                null,
                null,
                null,
                "jobs/bad.yaml");
        assertThatThrownBy(() -> triggers(unknownTrainer))
                .isInstanceOf(InvalidJobSpecException.class)
                .hasMessageContaining("jobs/bad.yaml")
                .hasMessageContaining("unknown trainer 'xgboost'");
        assertThatThrownBy(() -> triggers(unknownParam))
                .isInstanceOf(InvalidJobSpecException.class)
                .hasMessageContaining("unknown parameter 'layers'");
    }
}

package dev.orchard.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.registry.ModelReference;
import dev.orchard.uploads.UploadSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;

class JobSpecsTests {

    @TempDir
    Path dir;

    MockEnvironment env = new MockEnvironment().withProperty("orchard.storage.bucket", "photos");

    static final String VALID = """
            name: score-uploads
            kind: score
            trigger:
              storage:
                bucket: ${orchard.storage.bucket}
                prefix: uploads/
            model: fruit@champion
            output: predictions/
            """;

    JobSpecs load(String yaml) throws Exception {
        Files.writeString(dir.resolve("spec.yaml"), yaml);
        return JobSpecs.load(dir, env);
    }

    @Test
    void loadsTheRepositorysOwnSpecs() {
        JobSpecs specs =
                JobSpecs.load(Path.of("jobs"), new MockEnvironment().withProperty("orchard.storage.bucket", "local"));
        assertThat(specs.all()).extracting(UploadSpec::name).contains("score-uploads");
        assertThat(specs.scoreSpecFor("local", "uploads/a/b.JPG")).isPresent();
    }

    @Test
    void theBuiltInSpecIsTheRepositorysScoreUploadsSpecForTheBootstrapModel() {
        MockEnvironment defaults = new MockEnvironment()
                .withProperty("orchard.storage.bucket", "local")
                .withProperty("orchard.bootstrap.model", "fashion");

        JobSpecs builtIn = JobSpecs.builtIn(defaults);

        assertThat(builtIn.all())
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("file")
                .containsExactlyElementsOf(JobSpecs.load(Path.of("jobs"), defaults).all().stream()
                        .filter(spec -> spec.name().equals("score-uploads"))
                        .toList());
        assertThat(builtIn.all().get(0).file()).isEqualTo("built-in " + JobSpecs.BUILT_IN);
        assertThat(JobSpecs.builtIn(defaults.withProperty("orchard.bootstrap.model", "fruit"))
                        .all()
                        .get(0)
                        .model())
                .isEqualTo(new ModelReference("fruit", null));
    }

    @Test
    void resolvesPlaceholdersAndDefaults() throws Exception {
        UploadSpec spec = load(VALID).all().get(0);
        assertThat(spec.storage().bucket()).isEqualTo("photos");
        assertThat(spec.storage().suffixes()).contains(".jpg", ".png", ".webp");
        assertThat(spec.model()).isEqualTo(new ModelReference("fruit", null));
        assertThat(spec.topK()).isEqualTo(3);
        assertThat(spec.resultName("uploads/a.jpg")).isEqualTo("predictions/uploads/a.jpg.json");
    }

    @Test
    void matchesOnlyItsBucketPrefixAndSuffixes() throws Exception {
        JobSpecs specs = load(VALID);
        assertThat(specs.scoreSpecFor("photos", "uploads/x.png")).isPresent();
        assertThat(specs.scoreSpecFor("photos", "uploads/x.txt")).isEmpty();
        assertThat(specs.scoreSpecFor("photos", "other/x.png")).isEmpty();
        assertThat(specs.scoreSpecFor("elsewhere", "uploads/x.png")).isEmpty();
    }

    @Test
    void holdsSeveralSpecsPerFile() throws Exception {
        JobSpecs specs =
                load(VALID + "---\n" + VALID.replace("score-uploads", "second").replace("uploads/", "inbox/"));
        assertThat(specs.all()).extracting(UploadSpec::name).containsExactly("score-uploads", "second");
    }

    @Test
    void badSpecsNameTheFileAndTheField() {
        assertInvalid(VALID.replace("kind: score", "kind: scroe"), "kind", "must be 'score'");
        assertInvalid(
                VALID.replace("prefix: uploads/", "prefix: uploads"), "trigger.storage.prefix", "must end with '/'");
        assertInvalid(VALID.replace("model: fruit@champion", "model: Fruit!"), "model", "model name");
        assertInvalid(VALID.replace("output: predictions/", "output: uploads/results/"), "output", "overlaps");
        assertInvalid(VALID.replace("output: predictions/", "output: predictions/\ntopk: 3"), "topk", "Unrecognized");
        assertInvalid(VALID.replace("model: fruit@champion\n", ""), "model", "model must be");
        assertInvalid(VALID.replace("${orchard.storage.bucket}", "${NOT_SET_ANYWHERE}"), null, "NOT_SET_ANYWHERE");
        assertInvalid(VALID + "top-k: 500\n", "top-k", "1..100");
        assertInvalid("name: [unclosed", null, "spec.yaml");
    }

    @Test
    void duplicateNamesAcrossFilesAreRefused() throws Exception {
        Files.writeString(dir.resolve("a.yaml"), VALID);
        Files.writeString(dir.resolve("b.yaml"), VALID.replace("uploads/", "inbox/"));
        assertThatThrownBy(() -> JobSpecs.load(dir, env))
                .isInstanceOf(InvalidJobSpecException.class)
                .hasMessageContaining("b.yaml")
                .hasMessageContaining("name");
    }

    @Test
    void scorePrefixSpecsCarryInputScheduleAndPartitions() throws Exception {
        JobSpecs specs = load("""
                name: nightly
                kind: score-prefix
                input: gs://photos/batches/{date}/
                model: fruit
                partitions: 4
                trigger:
                  schedule: "0 0 2 * * *"
                """);

        PrefixJobSpec spec = specs.prefixSpecs().get(0);
        assertThat(specs.all()).isEmpty();
        assertThat(spec.bucket()).isEqualTo("photos");
        assertThat(spec.prefixOn(java.time.LocalDate.of(2026, 11, 22))).isEqualTo("batches/2026-11-22/");
        assertThat(spec.schedule()).isEqualTo("0 0 2 * * *");
        assertThat(spec.partitions()).isEqualTo(4);
        assertThat(specs.models()).containsExactly("fruit");
    }

    @Test
    void badScorePrefixSpecsNameTheField() {
        String base = "name: nightly\nkind: score-prefix\nmodel: fruit\n";
        assertInvalid(base + "input: /local/dir/\n", "input", "gs://bucket/prefix/");
        assertInvalid(base + "input: gs://photos/x\n", "input", "gs://bucket/prefix/");
        assertInvalid(base + "input: gs://photos/../x/\n", "input", "..");
        assertInvalid(
                base + "input: gs://photos/x/\ntrigger:\n  schedule: \"every night\"\n", "trigger.schedule", "cron");
        assertInvalid(base + "input: gs://photos/x/\npartitions: 0\n", "partitions", "1..10000");
        assertInvalid(base + "input: gs://photos/x/\noutput: predictions/\n", "output", "not used");
        assertInvalid(
                "name: up\nkind: score\ntrigger:\n  schedule: \"0 0 2 * * *\"\n  storage:\n    bucket: b\n"
                        + "    prefix: uploads/\nmodel: fruit\noutput: predictions/\n",
                "trigger.schedule",
                "only for kind 'score-prefix'");
    }

    static final String RETRAIN = """
            name: retrain-fruit
            kind: retrain
            model: fruit
            dataset: gs://photos/datasets/fruit.jsonl
            trainer:
              type: tensorflow-cnn
              params: {epochs: 4, learningRate: 0.001}
            gate:
              min-accuracy: 0.8
              max-regression: 0.02
              promote: manual
            trigger:
              schedule: "0 0 3 * * SUN"
              new-objects: 250
            """;

    @Test
    void retrainSpecsCarryRecipeGateAndTriggers() throws Exception {
        JobSpecs specs = load(RETRAIN);

        RetrainSpec spec = specs.retrainSpecFor("fruit").orElseThrow();
        assertThat(spec.dataset()).isEqualTo("gs://photos/datasets/fruit.jsonl");
        assertThat(spec.trainer()).isEqualTo("tensorflow-cnn");
        assertThat(spec.params()).containsEntry("epochs", 4).containsEntry("learningRate", 0.001);
        assertThat(spec.minAccuracy()).isEqualTo(0.8);
        assertThat(spec.maxRegression()).isEqualTo(0.02);
        assertThat(spec.promote()).isEqualTo(dev.orchard.retrain.RetrainProperties.Promote.MANUAL);
        assertThat(spec.schedule()).isEqualTo("0 0 3 * * SUN");
        assertThat(spec.newObjects()).isEqualTo(250);
        assertThat(specs.models()).isEmpty(); // a retrain spec may create its model's first version
        // a request's own thresholds win over the spec's
        var request = spec.request(new JobRequest.Retrain("fruit", true, 0.5, null, null, "test"));
        assertThat(request.minAccuracy()).isEqualTo(0.5);
        assertThat(request.maxRegression()).isEqualTo(0.02);
        assertThat(request.recipe().trainer()).isEqualTo("tensorflow-cnn");
    }

    @Test
    void badRetrainSpecsNameTheField() {
        assertInvalid(RETRAIN.replace("model: fruit", "model: fruit@champion"), "model", "not name@alias");
        assertInvalid(RETRAIN.replace("gs://photos/datasets/fruit.jsonl", "gs://photos/fruit"), "dataset", "folder");
        assertInvalid(RETRAIN.replace("  type: tensorflow-cnn\n", ""), "trainer.type", "is required");
        assertInvalid(RETRAIN.replace("min-accuracy: 0.8", "min-accuracy: 80"), "gate.min-accuracy", "between 0 and 1");
        assertInvalid(RETRAIN.replace("promote: manual", "promote: sometimes"), "gate.promote", "'auto' or 'manual'");
        assertInvalid(RETRAIN.replace("new-objects: 250", "new-objects: 0"), "trigger.new-objects", "at least 1");
        assertInvalid(RETRAIN.replace("0 0 3 * * SUN", "weekly"), "trigger.schedule", "cron");
        assertInvalid(RETRAIN + "output: predictions/\n", "output", "not used by kind 'retrain'");
        assertInvalid(VALID + "dataset: gs://photos/x/\n", "dataset", "only for kind 'retrain'");
        assertInvalid(
                RETRAIN + "---\n" + RETRAIN.replace("name: retrain-fruit", "name: again"), "model", "already has");
    }

    static final String DRIFT = RETRAIN + """
              drift:
                statistic: label
                threshold: 0.3
                window: time
                min-samples: 1000
                cool-down: 6h
            """;

    @Test
    void aRetrainSpecMayRetrainOnDrift() throws Exception {
        RetrainSpec spec = load(DRIFT).retrainSpecFor("fruit").orElseThrow();

        assertThat(spec.drift())
                .isEqualTo(new dev.orchard.drift.DriftTrigger(
                        dev.orchard.model.ProfileStatistic.LABEL,
                        dev.orchard.drift.DriftTrigger.Measure.PSI,
                        0.3,
                        dev.orchard.drift.DriftTrigger.WindowKind.TIME,
                        1000,
                        java.time.Duration.ofHours(6)));
        // defaults: psi over the count window, 500 samples, a day's cool-down; js defaults to 0.1
        RetrainSpec js = load(RETRAIN + "  drift: {statistic: confidence, measure: js}\n")
                .retrainSpecFor("fruit")
                .orElseThrow();
        assertThat(js.drift().threshold()).isEqualTo(0.1);
        assertThat(js.drift().window()).isEqualTo(dev.orchard.drift.DriftTrigger.WindowKind.COUNT);
        assertThat(js.drift().minSamples()).isEqualTo(500);
        assertThat(js.drift().coolDown()).isEqualTo(java.time.Duration.ofDays(1));
        assertThat(load(RETRAIN).retrainSpecFor("fruit").orElseThrow().drift()).isNull();
    }

    @Test
    void badDriftTriggersNameTheField() {
        assertInvalid(
                DRIFT.replace("statistic: label", "statistic: hue"), "trigger.drift.statistic", "unknown statistic");
        assertInvalid(DRIFT.replace("    statistic: label\n", ""), "trigger.drift.statistic", "is required");
        assertInvalid(DRIFT.replace("window: time", "window: forever"), "trigger.drift.window", "'count' or 'time'");
        assertInvalid(DRIFT.replace("threshold: 0.3", "threshold: -1"), "trigger.drift", "positive");
        assertInvalid(DRIFT.replace("min-samples: 1000", "min-samples: 0"), "trigger.drift", "at least 1");
        assertInvalid(DRIFT.replace("cool-down: 6h", "cool-down: soon"), "trigger.drift.cool-down", "soon");
        assertInvalid(
                VALID.replace("trigger:\n", "trigger:\n  drift: {statistic: label}\n"),
                "trigger.drift",
                "only for kind 'retrain'");
    }

    @Test
    void theExamplesAreValidSpecs() {
        JobSpecs examples = JobSpecs.load(Path.of("jobs/examples"), env);
        assertThat(examples.prefixSpecs()).extracting(PrefixJobSpec::name).contains("nightly-batches");
        assertThat(examples.retrainSpecs()).extracting(RetrainSpec::name).contains("retrain-fashion");
    }

    @Test
    void aMissingDirectoryIsAnError() {
        assertThatThrownBy(() -> JobSpecs.load(dir.resolve("absent"), env)).hasMessageContaining("does not exist");
    }

    private void assertInvalid(String yaml, String field, String message) {
        assertThatThrownBy(() -> load(yaml)).as(yaml).isInstanceOfSatisfying(InvalidJobSpecException.class, e -> {
            assertThat(e.getMessage()).contains("spec.yaml").contains(message);
            if (field != null) {
                assertThat(e.field()).isEqualTo(field);
            }
        });
    }
}

package dev.orchard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ArtifactIntegrityException;
import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.ModelLoader;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.WritePrecondition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/** Trains a real Tribuo CART model on part of the bundled sample and loads it back from the registry. */
class ModelTrainingTests {

    static final String BUCKET = "local";

    @TempDir
    Path root;

    LocalBlobStore store;
    ModelRegistry registry;
    ModelTraining training;
    ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(1), 1_000_000));

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(root.resolve("data"), Clock.systemUTC());
        registry = new ModelRegistry(store, BUCKET, JsonMapper.builder().build(), Clock.systemUTC(), "test");
        training = new ModelTraining(
                store, decoder, registry, List.of(new TribuoCartTrainer(), new TensorFlowCnnTrainer()));
        SampleDataset.copyTo(store, BUCKET, "training/", 60);
    }

    @Test
    void trainsEvaluatesRegistersAndLoadsAVerifiedModel() throws Exception {
        // when
        ModelManifest manifest = training.trainAndRegister(
                new ModelTraining.Request("fashion", BUCKET, "training/", "tribuo-cart", Map.of("maxDepth", 10)),
                "test");

        // then: the manifest describes the model and its data
        assertThat(manifest.version()).isEqualTo(1);
        assertThat(manifest.kind()).isEqualTo(ModelManifest.Kind.TRIBUO);
        assertThat(manifest.labels()).hasSize(10).contains("sneaker", "trouser");
        assertThat(manifest.dataset().objects()).isEqualTo(600);
        assertThat(manifest.dataset().fingerprint()).hasSize(64);
        assertThat(manifest.metrics().holdoutSize()).isBetween(80, 160);
        assertThat(manifest.metrics().accuracy()).isGreaterThan(0.5); // chance is 0.1
        assertThat(manifest.provenance().source()).isEqualTo("train");
        assertThat(manifest.provenance().details().get("algorithm").toString()).endsWith("CARTClassificationTrainer");
        assertThat(manifest.provenance().runtime()).containsKeys("java", "tribuo");
        assertThat(manifest.artifacts()).containsKeys("model/model.pb", "report.md", "confusion.png");
        assertThat(store.get(BUCKET, "models/fashion/versions/1/report.md")).isPresent();

        // and the registry's copy loads and classifies real images
        ModelLoader loader = new ModelLoader(registry, root.resolve("work"));
        LoadedModel loaded = loader.load(registry.manifest("fashion", 1).orElseThrow());
        try (LoadedModel.Lease lease = loaded.lease()) {
            float[][] trousers = SampleDataset.images("trouser", 5).stream()
                    .map(p -> decoder.decode(read(p), lease.classifier().input()))
                    .toArray(float[][]::new);
            List<Prediction> predictions = lease.classifier().classify(trousers, 3);
            assertThat(predictions).extracting(Prediction::label).containsOnly("trouser");
            assertThat(predictions.get(0).top()).hasSize(3);
        }
        loaded.retire();
    }

    @Test
    void trainsATensorFlowCnnThatTheServingRuntimeLoadsUnchanged() throws Exception {
        // when
        ModelManifest manifest = training.trainAndRegister(
                new ModelTraining.Request(
                        "fashion-cnn", BUCKET, "training/", "tensorflow-cnn", Map.of("epochs", 6, "filters", 8)),
                "test");

        // then: a SavedModel with a serving signature and no training state
        assertThat(manifest.kind()).isEqualTo(ModelManifest.Kind.TENSORFLOW);
        assertThat(manifest.output()).isEqualTo(ModelManifest.Output.PROBABILITIES);
        assertThat(manifest.artifacts()).containsKeys("model/saved_model.pb", "report.md", "confusion.png");
        String graph = new String(
                store.get(BUCKET, "models/fashion-cnn/versions/1/model/saved_model.pb")
                        .orElseThrow()
                        .content(),
                java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(graph).contains("serving_default").doesNotContain("Adam").doesNotContain("VarHandleOp");
        // the weights are in the checkpoint, as in a Keras export, not in the graph (a first run copies those)
        assertThat(manifest.artifacts())
                .containsKeys("model/variables/variables.index", "model/variables/variables.data-00000-of-00001");
        long denseLayerBytes = 7 * 7 * 16 * 10 * Float.BYTES; // 28 → 7 after two poolings, 2·8 filters, 10 labels
        assertThat(graph.length()).isLessThan((int) denseLayerBytes);
        assertThat(manifest.metrics().accuracy()).isGreaterThan(0.6); // chance is 0.1
        assertThat(manifest.provenance().details())
                .containsEntry("optimizer", "Adam")
                .containsKey("epochLoss");

        // and the registry's copy is served by the runtime from the first issue
        ModelLoader loader = new ModelLoader(registry, root.resolve("work"));
        LoadedModel loaded = loader.load(registry.manifest("fashion-cnn", 1).orElseThrow());
        try (LoadedModel.Lease lease = loaded.lease()) {
            float[][] trousers = SampleDataset.images("trouser", 8).stream()
                    .map(p -> decoder.decode(read(p), lease.classifier().input()))
                    .toArray(float[][]::new);
            List<Prediction> predictions = lease.classifier().classify(trousers, 3);
            assertThat(predictions.stream().filter(p -> p.label().equals("trouser")))
                    .hasSizeGreaterThanOrEqualTo(6);
        }
        loaded.retire();
    }

    @Test
    void refusesBadCnnParameters() {
        assertThatThrownBy(() -> training.check("tensorflow-cnn", Map.of("channels", 2)))
                .hasMessageContaining("'channels' must be 1 or 3");
        assertThatThrownBy(() -> training.check("tensorflow-cnn", Map.of("learningRate", "fast")))
                .hasMessageContaining("'learningRate' must be a number");
    }

    @Test
    void theSameDataGivesTheSameFingerprintAndSplit() {
        DatasetSnapshot first = DatasetSnapshot.of(store, BUCKET, "training/");
        DatasetSnapshot second = DatasetSnapshot.of(store, BUCKET, "training/");
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(first.objects().stream().filter(DatasetSnapshot::isHoldout).toList())
                .isEqualTo(second.objects().stream()
                        .filter(DatasetSnapshot::isHoldout)
                        .toList());

        // an overwrite is new data
        store.put(
                BUCKET,
                first.objects().get(0).ref().name(),
                read(SampleDataset.images().get(5)),
                WritePrecondition.none());
        assertThat(DatasetSnapshot.of(store, BUCKET, "training/").fingerprint()).isNotEqualTo(first.fingerprint());
    }

    @Test
    void aTamperedArtifactIsRefused() {
        // given
        ModelManifest manifest = training.trainAndRegister(
                new ModelTraining.Request("fashion", BUCKET, "training/", "tribuo-cart", Map.of("maxDepth", 4)),
                "test");
        store.put(BUCKET, "models/fashion/versions/1/model/model.pb", new byte[] {1, 2, 3}, WritePrecondition.none());

        // when / then
        ModelLoader loader = new ModelLoader(registry, root.resolve("work"));
        assertThatThrownBy(() -> loader.load(manifest))
                .isInstanceOf(ArtifactIntegrityException.class)
                .hasMessageContaining("model/model.pb");
    }

    @Test
    void refusesUnknownTrainersAndParameters() {
        assertThatThrownBy(() -> training.trainAndRegister(
                        new ModelTraining.Request("fashion", BUCKET, "training/", "nope", Map.of()), "test"))
                .hasMessageContaining("unknown trainer 'nope'");
        assertThatThrownBy(() -> training.trainAndRegister(
                        new ModelTraining.Request("fashion", BUCKET, "training/", "tribuo-cart", Map.of("depth", 3)),
                        "test"))
                .hasMessageContaining("unknown parameter 'depth'");
    }

    static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

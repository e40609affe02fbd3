package dev.orchard.training;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.ModelInput;
import dev.orchard.model.ProfileRecorder;
import dev.orchard.registry.ModelDraft;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectTooLargeException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pieces of training a version — decode and train on a snapshot's training split, evaluate on
 * its holdout, draft the version with its report — which the retrain job runs as separate steps,
 * and {@link #trainAndRegister} runs in one go (the bootstrap, tools). Unreadable training images
 * are skipped and counted, never fatal. Promotion is the caller's call.
 */
public final class ModelTraining {

    private static final Logger log = LoggerFactory.getLogger(ModelTraining.class);

    private final BlobStore store;
    private final ImageDecoder decoder;
    private final ModelRegistry registry;
    private final Map<String, Trainer> trainers;
    private final Clock clock;

    public ModelTraining(BlobStore store, ImageDecoder decoder, ModelRegistry registry, List<Trainer> trainers) {
        this(store, decoder, registry, trainers, Clock.systemUTC());
    }

    public ModelTraining(
            BlobStore store, ImageDecoder decoder, ModelRegistry registry, List<Trainer> trainers, Clock clock) {
        this.store = store;
        this.decoder = decoder;
        this.registry = registry;
        this.trainers = new HashMap<>();
        this.clock = clock;
        trainers.forEach(t -> this.trainers.put(t.type(), t));
    }

    /**
     * What to train: model name, dataset, trainer and its parameters.
     *
     * @param path the dataset in {@code bucket}: a folder prefix ({@code training/}) or a manifest
     *     object ({@code datasets/fruit.jsonl}), see {@link DatasetSnapshot}
     */
    public record Request(String model, String bucket, String path, String trainer, Map<String, Object> params) {

        public Request {
            params = params == null ? Map.of() : params;
        }

        public DatasetSnapshot.Location dataset() {
            return new DatasetSnapshot.Location(bucket, path);
        }
    }

    /**
     * A model trained on a snapshot's training split, not evaluated or registered yet.
     *
     * @param trainSize training images decoded
     * @param skipped training images that could not be read or decoded
     */
    public record Trained(
            Request request,
            List<String> labels,
            ModelInput input,
            TrainedModel model,
            int trainSize,
            int skipped,
            Instant startedAt,
            Instant finishedAt)
            implements AutoCloseable {

        @Override
        public void close() {
            try {
                model.classifier().close();
            } catch (Exception e) {
                log.warn("closing the trained classifier of {} failed: {}", request.model(), e.toString());
            }
        }
    }

    /** Trains, evaluates and registers in one go (no gate); the caller promotes. */
    public ModelManifest trainAndRegister(Request request, String actor) {
        DatasetSnapshot snapshot = DatasetSnapshot.of(store, request.dataset());
        try (Trained trained = train(request, snapshot, TrainingProgress.NONE)) {
            List<LabelledObject> holdout = holdout(snapshot);
            ProfileRecorder baseline = new ProfileRecorder(trained.input(), trained.labels());
            List<String> said = new HoldoutScoring(store, decoder)
                    .label(trained.model().classifier(), trained.input(), holdout, done -> {}, baseline);
            ModelManifest.Metrics metrics = HoldoutScoring.metrics(trained.labels(), holdout, said)
                    .map(m -> m.withBaseline(baseline.snapshot("holdout")))
                    .orElseThrow(() -> new IllegalArgumentException(
                            snapshot.uri() + " has too few readable holdout images to evaluate"));
            log.info(
                    "trained {}: holdout accuracy {}, macro-F1 {} ({} holdout images)",
                    request.model(),
                    metrics.accuracy(),
                    metrics.macroF1(),
                    metrics.holdoutSize());
            ModelManifest.Provenance provenance = provenance(trained, "train", null, actor);
            return registry.register(
                    draft(
                            request,
                            trained.model().kind(),
                            trained.model().output(),
                            trained.input(),
                            trained.labels(),
                            trained.model().artifacts(),
                            snapshot,
                            trained.trainSize(),
                            trained.skipped(),
                            metrics,
                            null,
                            provenance),
                    actor);
        }
    }

    /** The snapshot's holdout objects, in snapshot order. */
    public static List<LabelledObject> holdout(DatasetSnapshot snapshot) {
        return snapshot.objects().stream().filter(DatasetSnapshot::isHoldout).toList();
    }

    /**
     * Checks that {@code type} names a trainer and that it understands {@code params}.
     *
     * @throws IllegalArgumentException naming the trainer or the parameter
     */
    public void check(String type, Map<String, Object> params) {
        trainer(type).input(params);
    }

    /** The input size {@code type} trains for with {@code params}. */
    public ModelInput input(String type, Map<String, Object> params) {
        return trainer(type).input(params);
    }

    private Trainer trainer(String type) {
        Trainer trainer = trainers.get(type);
        if (trainer == null) {
            throw new IllegalArgumentException(
                    "unknown trainer '" + type + "'; known: " + new java.util.TreeSet<>(trainers.keySet()));
        }
        return trainer;
    }

    /**
     * Decodes the training split of {@code snapshot} (taken of the request's dataset) and trains.
     *
     * @throws IllegalArgumentException if the snapshot has fewer than two labels, or no readable
     *     training image
     */
    public Trained train(Request request, DatasetSnapshot snapshot, TrainingProgress progress) {
        Trainer trainer = trainer(request.trainer());
        Instant started = clock.instant();
        List<String> labels = snapshot.labels();
        if (labels.size() < 2) {
            throw new IllegalArgumentException(
                    snapshot.uri() + " has " + labels.size()
                            + " label(s); training needs at least two (<prefix><label>/<image>, or two labels in the manifest)");
        }
        log.info(
                "training {} with {} on {} ({} images, {} labels, fingerprint {})",
                request.model(),
                trainer.type(),
                snapshot.uri(),
                snapshot.objects().size(),
                labels.size(),
                snapshot.fingerprint().substring(0, 12));
        ModelInput input = trainer.input(request.params());
        List<LabelledObject> objects = snapshot.objects().stream()
                .filter(o -> !DatasetSnapshot.isHoldout(o))
                .toList();
        List<float[]> features = new ArrayList<>();
        List<Integer> targets = new ArrayList<>();
        int skipped = 0;
        for (int i = 0; i < objects.size(); i++) {
            LabelledObject object = objects.get(i);
            float[] x = decode(object, input);
            if (x == null) {
                skipped++;
            } else {
                features.add(x);
                targets.add(labels.indexOf(object.label()));
            }
            if ((i + 1) % 64 == 0 || i == objects.size() - 1) {
                progress.decoded(i + 1, objects.size());
            }
        }
        if (features.isEmpty() || objects.size() == snapshot.objects().size()) {
            throw new IllegalArgumentException(snapshot.uri() + " has too few readable images to train and evaluate");
        }
        TrainingSet data = new TrainingSet(
                labels,
                input,
                features,
                targets.stream().mapToInt(Integer::intValue).toArray());
        TrainedModel model = trainer.train(data, request.params(), progress);
        log.info("trained {} on {} images ({} skipped)", request.model(), features.size(), skipped);
        return new Trained(request, labels, input, model, features.size(), skipped, started, clock.instant());
    }

    /** A training image decoded for {@code input}, or {@code null} (logged) when it cannot be. */
    private float[] decode(LabelledObject object, ModelInput input) {
        try {
            Blob blob = store.get(object.ref(), decoder.maxBytes()).orElse(null);
            if (blob == null) {
                log.warn("training image {} changed or vanished during training; skipped", object.ref());
                return null;
            }
            return decoder.decodePatiently(blob.content(), input);
        } catch (ObjectTooLargeException | ImageRejectedException e) {
            log.warn("training image {} skipped: {}", object.ref(), e.getMessage());
            return null;
        }
    }

    /** The provenance of a version {@code trained} by {@code source} ({@code train}, {@code retrain}). */
    public static ModelManifest.Provenance provenance(Trained trained, String source, String run, String by) {
        return new ModelManifest.Provenance(
                source,
                run,
                by,
                trained.startedAt(),
                trained.finishedAt(),
                trained.model().runtime(),
                trained.model().details());
    }

    /**
     * A new version of {@code request.model()}: the trained artifacts plus {@code report.md}, {@code
     * dataset.jsonl} (the snapshot it learned from and was judged on) and {@code confusion.png}.
     */
    public static ModelDraft draft(
            Request request,
            ModelManifest.Kind kind,
            ModelManifest.Output output,
            ModelInput input,
            List<String> labels,
            Map<String, byte[]> modelArtifacts,
            DatasetSnapshot snapshot,
            int trainSize,
            int skipped,
            ModelManifest.Metrics metrics,
            ModelManifest.Gate gate,
            ModelManifest.Provenance provenance) {
        Map<String, byte[]> artifacts = new HashMap<>(modelArtifacts);
        artifacts.put(
                "report.md",
                ModelReport.markdown(
                                request.model(), request.trainer(), snapshot.uri(), trainSize, skipped, labels, metrics)
                        .getBytes(StandardCharsets.UTF_8));
        artifacts.put("dataset.jsonl", snapshot.toJsonLines());
        artifacts.put("confusion.png", ModelReport.confusionPng(labels, metrics.confusion()));
        return new ModelDraft(
                request.model(),
                kind,
                input,
                output,
                labels,
                metrics,
                new ModelManifest.Dataset(snapshot.uri(), snapshot.objects().size(), snapshot.fingerprint()),
                new ModelManifest.Trainer(request.trainer(), request.params()),
                provenance,
                artifacts,
                gate);
    }
}

package dev.orchard.training;

import dev.orchard.model.Classifier;
import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.ModelInput;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ModelDraft;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectTooLargeException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshot → decode → train → evaluate on the holdout → register a new version with its report.
 * Unreadable training images are skipped and counted, never fatal. Promotion is the caller's call.
 */
public final class ModelTraining {

    private static final Logger log = LoggerFactory.getLogger(ModelTraining.class);

    private final BlobStore store;
    private final ImageDecoder decoder;
    private final ModelRegistry registry;
    private final Map<String, Trainer> trainers;

    public ModelTraining(BlobStore store, ImageDecoder decoder, ModelRegistry registry, List<Trainer> trainers) {
        this.store = store;
        this.decoder = decoder;
        this.registry = registry;
        this.trainers = new HashMap<>();
        trainers.forEach(t -> this.trainers.put(t.type(), t));
    }

    /**
     * What to train: model name, dataset, trainer and its parameters.
     *
     * @param path the dataset in {@code bucket}: a folder prefix ({@code training/}) or a manifest
     *     object ({@code datasets/fruit.jsonl}), see {@link DatasetSnapshot}
     */
    public record Request(String model, String bucket, String path, String trainer, Map<String, Object> params) {

        public DatasetSnapshot.Location dataset() {
            return new DatasetSnapshot.Location(bucket, path);
        }
    }

    public ModelManifest trainAndRegister(Request request, String actor) {
        try (Candidate candidate = train(request)) {
            return register(candidate, null, actor);
        }
    }

    /**
     * A trained model not registered yet: its live classifier (closed with the candidate), holdout
     * metrics, and the snapshot it learned from, so a gate can compare it before it gets a version.
     */
    public record Candidate(
            Request request,
            String trainerType,
            DatasetSnapshot snapshot,
            List<String> labels,
            ModelInput input,
            TrainedModel trained,
            ModelManifest.Metrics metrics,
            int trainSize,
            int skipped,
            List<LabelledObject> holdout)
            implements AutoCloseable {

        public Classifier classifier() {
            return trained.classifier();
        }

        @Override
        public void close() {
            try {
                trained.classifier().close();
            } catch (Exception e) {
                log.warn("closing the candidate classifier of {} failed: {}", request.model(), e.toString());
            }
        }
    }

    /** Snapshot, decode, train and evaluate on the holdout; nothing is registered. */
    public Candidate train(Request request) {
        return train(request, DatasetSnapshot.of(store, request.dataset()));
    }

    /**
     * Checks that {@code type} names a trainer and that it understands {@code params}.
     *
     * @throws IllegalArgumentException naming the trainer or the parameter
     */
    public void check(String type, Map<String, Object> params) {
        trainer(type).input(params);
    }

    private Trainer trainer(String type) {
        Trainer trainer = trainers.get(type);
        if (trainer == null) {
            throw new IllegalArgumentException(
                    "unknown trainer '" + type + "'; known: " + new java.util.TreeSet<>(trainers.keySet()));
        }
        return trainer;
    }

    /** Decode, train and evaluate on {@code snapshot}, already taken of the request's dataset. */
    public Candidate train(Request request, DatasetSnapshot snapshot) {
        Trainer trainer = trainer(request.trainer());
        long started = System.nanoTime();
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
        Split split = decode(snapshot, labels, input);
        if (split.train().size() == 0 || split.holdout().size() == 0) {
            throw new IllegalArgumentException(snapshot.uri() + " has too few readable images to train and evaluate");
        }
        TrainedModel trained = trainer.train(split.train(), request.params());
        ModelManifest.Metrics metrics = evaluate(trained.classifier(), split.holdout());
        log.info(
                "trained {} in {} ms: holdout accuracy {}, macro-F1 {} ({} holdout images)",
                request.model(),
                (System.nanoTime() - started) / 1_000_000,
                metrics.accuracy(),
                metrics.macroF1(),
                metrics.holdoutSize());
        List<LabelledObject> holdout =
                snapshot.objects().stream().filter(DatasetSnapshot::isHoldout).toList();
        return new Candidate(
                request,
                trainer.type(),
                snapshot,
                labels,
                input,
                trained,
                metrics,
                split.train().size(),
                split.skipped(),
                holdout);
    }

    /** Registers the candidate as a new version, with the gate's decision when there was one. */
    public ModelManifest register(Candidate candidate, ModelManifest.Gate gate, String actor) {
        Request request = candidate.request();
        Map<String, byte[]> artifacts = new HashMap<>(candidate.trained().artifacts());
        artifacts.put(
                "report.md",
                ModelReport.markdown(
                                request.model(),
                                candidate.trainerType(),
                                candidate.snapshot().uri(),
                                candidate.trainSize(),
                                candidate.skipped(),
                                candidate.labels(),
                                candidate.metrics())
                        .getBytes(StandardCharsets.UTF_8));
        artifacts.put("dataset.jsonl", candidate.snapshot().toJsonLines());
        artifacts.put(
                "confusion.png",
                ModelReport.confusionPng(candidate.labels(), candidate.metrics().confusion()));
        ModelDraft draft = new ModelDraft(
                request.model(),
                candidate.trained().kind(),
                candidate.input(),
                candidate.trained().output(),
                candidate.labels(),
                candidate.metrics(),
                new ModelManifest.Dataset(
                        candidate.snapshot().uri(),
                        candidate.snapshot().objects().size(),
                        candidate.snapshot().fingerprint()),
                new ModelManifest.Trainer(
                        candidate.trainerType(), request.params() == null ? Map.of() : request.params()),
                candidate.trained().provenance(),
                artifacts,
                gate);
        return registry.register(draft, actor);
    }

    private record Split(TrainingSet train, TrainingSet holdout, int skipped) {}

    private Split decode(DatasetSnapshot snapshot, List<String> labels, ModelInput input) {
        List<float[]> trainX = new ArrayList<>();
        List<Integer> trainY = new ArrayList<>();
        List<float[]> holdX = new ArrayList<>();
        List<Integer> holdY = new ArrayList<>();
        int skipped = 0;
        for (LabelledObject object : snapshot.objects()) {
            Blob blob;
            try {
                blob = store.get(object.ref(), decoder.maxBytes()).orElse(null);
            } catch (ObjectTooLargeException e) {
                skipped++;
                log.warn("training image skipped: {}", e.getMessage());
                continue;
            }
            if (blob == null) {
                skipped++;
                log.warn("training image {} changed or vanished during training; skipped", object.ref());
                continue;
            }
            try {
                float[] x = decoder.decodePatiently(blob.content(), input);
                boolean holdout = DatasetSnapshot.isHoldout(object);
                (holdout ? holdX : trainX).add(x);
                (holdout ? holdY : trainY).add(labels.indexOf(object.label()));
            } catch (ImageRejectedException e) {
                skipped++;
                log.warn("training image {} skipped: {}", object.ref(), e.getMessage());
            }
        }
        return new Split(
                new TrainingSet(
                        labels,
                        input,
                        trainX,
                        trainY.stream().mapToInt(Integer::intValue).toArray()),
                new TrainingSet(
                        labels,
                        input,
                        holdX,
                        holdY.stream().mapToInt(Integer::intValue).toArray()),
                skipped);
    }

    static ModelManifest.Metrics evaluate(Classifier classifier, TrainingSet holdout) {
        int[] predicted = new int[holdout.size()];
        int batch = 256;
        for (int start = 0; start < holdout.size(); start += batch) {
            int end = Math.min(start + batch, holdout.size());
            float[][] rows = holdout.features().subList(start, end).toArray(new float[0][]);
            List<Prediction> predictions = classifier.classify(rows, 1);
            for (int i = 0; i < predictions.size(); i++) {
                predicted[start + i] =
                        holdout.labels().indexOf(predictions.get(i).label());
            }
        }
        return Evaluation.of(holdout.labels(), holdout.targets(), predicted);
    }
}

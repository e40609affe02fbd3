package dev.orchard.retrain;

import dev.orchard.registry.ArtifactIntegrityException;
import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.ModelLoader;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.Sha256;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.StoredObject;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.ModelTraining;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a retrain's steps leave their results for the next step — and for the next execution after
 * a crash: {@code models/<name>/retrains/<staging>/} in the registry bucket holds
 *
 * <ul>
 *   <li>{@code snapshot.jsonl}: the objects (and generations) the retrain was asked for;
 *   <li>{@code candidate/manifest.json} and {@code candidate/<artifact>}: the trained model
 *       (verified by sha256 when loaded);
 *   <li>{@code evaluation.json}: the candidate's label for every holdout image, and its metrics;
 *   <li>{@code gate.json}: the gate's decision.
 * </ul>
 *
 * The candidate's artifacts are deleted once it is registered; the small records stay as the run's
 * history.
 */
final class RetrainStaging {

    private final BlobStore store;
    private final String bucket;
    private final JsonMapper json;
    private final ModelLoader loader;

    RetrainStaging(BlobStore store, String bucket, JsonMapper json, ModelLoader loader) {
        this.store = store;
        this.bucket = bucket;
        this.json = json;
        this.loader = loader;
    }

    /** The trained model, as staged: a manifest (version 0) with its artifacts' hashes. */
    record Candidate(ModelManifest manifest, int trainSize, int skipped) {}

    /** The candidate's label for each holdout image ({@code null}: unreadable), and its metrics. */
    record Evaluation(List<String> said, ModelManifest.Metrics metrics) {}

    static String directory(String model, String staging) {
        return "models/" + model + "/retrains/" + staging + "/";
    }

    private static String name(RetrainParameters p, String file) {
        return directory(p.model(), p.staging()) + file;
    }

    void writeSnapshot(String model, String staging, DatasetSnapshot snapshot) {
        store.put(
                bucket, directory(model, staging) + "snapshot.jsonl", snapshot.toJsonLines(), WritePrecondition.none());
    }

    DatasetSnapshot snapshot(RetrainParameters p) {
        byte[] lines = store.get(bucket, name(p, "snapshot.jsonl"))
                .orElseThrow(() -> new IllegalStateException(
                        "the retrain's snapshot " + name(p, "snapshot.jsonl") + " is gone; ask for the retrain again"))
                .content();
        return DatasetSnapshot.fromJsonLines(p.dataset(), p.fingerprint(), lines);
    }

    void writeCandidate(RetrainParameters p, ModelTraining.Trained trained, ModelManifest.Provenance provenance) {
        Map<String, String> hashes = new LinkedHashMap<>();
        trained.model().artifacts().forEach((path, content) -> {
            store.put(bucket, name(p, "candidate/" + path), content, WritePrecondition.none());
            hashes.put(path, Sha256.hex(content));
        });
        ModelManifest manifest = new ModelManifest(
                p.model(),
                0,
                trained.model().kind(),
                trained.input(),
                trained.model().output(),
                trained.labels(),
                null,
                null,
                new ModelManifest.Trainer(p.trainer(), p.params()),
                provenance,
                null,
                trained.finishedAt(),
                hashes,
                null);
        write(p, "candidate/manifest.json", new Candidate(manifest, trained.trainSize(), trained.skipped()));
    }

    Candidate candidate(RetrainParameters p) {
        return read(p, "candidate/manifest.json", Candidate.class);
    }

    /** The candidate's artifacts, each checked against the hash staged with it. */
    Map<String, byte[]> artifacts(RetrainParameters p, Candidate candidate) {
        Map<String, byte[]> artifacts = new LinkedHashMap<>();
        candidate.manifest().artifacts().forEach((path, hash) -> {
            byte[] content = artifact(p, path);
            if (!java.security.MessageDigest.isEqual(
                    Sha256.hex(content).getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    hash.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
                throw new ArtifactIntegrityException("staged candidate artifact " + name(p, "candidate/" + path)
                        + " does not match its hash; retrain again with force");
            }
            artifacts.put(path, content);
        });
        return artifacts;
    }

    /** The candidate as a live model (verified); the caller retires it. */
    LoadedModel load(RetrainParameters p, Candidate candidate) {
        return loader.load(candidate.manifest(), path -> artifact(p, path));
    }

    private byte[] artifact(RetrainParameters p, String path) {
        return store.get(bucket, name(p, "candidate/" + path))
                .orElseThrow(() -> new IllegalStateException(
                        "staged candidate artifact " + name(p, "candidate/" + path) + " is gone"))
                .content();
    }

    void deleteCandidateArtifacts(RetrainParameters p) {
        List<StoredObject> staged = new ArrayList<>(store.list(bucket, name(p, "candidate/model/")));
        staged.forEach(o -> store.delete(bucket, o.ref().name()));
    }

    void writeEvaluation(RetrainParameters p, Evaluation evaluation) {
        write(p, "evaluation.json", evaluation);
    }

    Evaluation evaluation(RetrainParameters p) {
        return read(p, "evaluation.json", Evaluation.class);
    }

    void writeGate(RetrainParameters p, ModelManifest.Gate gate) {
        write(p, "gate.json", gate);
    }

    ModelManifest.Gate gate(RetrainParameters p) {
        return read(p, "gate.json", ModelManifest.Gate.class);
    }

    private void write(RetrainParameters p, String file, Object value) {
        store.put(bucket, name(p, file), json.writeValueAsBytes(value), WritePrecondition.none());
    }

    private <T> T read(RetrainParameters p, String file, Class<T> type) {
        byte[] content = store.get(bucket, name(p, file))
                .orElseThrow(() -> new IllegalStateException("the retrain's " + name(p, file) + " is missing"))
                .content();
        return json.readValue(content, type);
    }
}

package dev.orchard.drift;

import dev.orchard.model.PredictionProfile;
import dev.orchard.model.ProfileRecorder;
import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.registry.Sha256;
import dev.orchard.registry.VersionedModels;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.HoldoutScoring;
import dev.orchard.training.LabelledObject;
import dev.orchard.training.ModelTraining;
import java.util.List;
import java.util.Optional;

/**
 * The holdout baseline of a version Orchard trained before baselines were recorded: its stored
 * snapshot ({@code dataset.jsonl}, checked against the manifest's sha256) says which images were
 * its holdout; the version scores them again (not counted as traffic) and their profile is its
 * baseline, as if it had been recorded at registration.
 */
final class HoldoutBaselines {

    private static final String SNAPSHOT = "dataset.jsonl";

    private final BlobStore store;
    private final ModelRegistry registry;
    private final VersionedModels models;
    private final HoldoutScoring scoring;

    HoldoutBaselines(BlobStore store, ModelRegistry registry, VersionedModels models, HoldoutScoring scoring) {
        this.store = store;
        this.registry = registry;
        this.models = models;
        this.scoring = scoring;
    }

    /**
     * The holdout profile of {@code manifest}'s version; empty when it has no stored snapshot with a
     * holdout (a model brought in, say), or the snapshot does not match its recorded sha256.
     */
    Optional<PredictionProfile> of(ModelManifest manifest) {
        String recorded =
                manifest.artifacts() == null ? null : manifest.artifacts().get(SNAPSHOT);
        if (recorded == null || manifest.dataset() == null || manifest.metrics() == null) {
            return Optional.empty();
        }
        Optional<Blob> snapshot = store.get(
                registry.bucket(), "models/" + manifest.name() + "/versions/" + manifest.version() + "/" + SNAPSHOT);
        if (snapshot.isEmpty() || !Sha256.hex(snapshot.get().content()).equals(recorded)) {
            return Optional.empty();
        }
        List<LabelledObject> holdout = ModelTraining.holdout(DatasetSnapshot.fromJsonLines(
                manifest.dataset().uri(),
                manifest.dataset().fingerprint(),
                snapshot.get().content()));
        if (holdout.isEmpty()) {
            return Optional.empty();
        }
        ProfileRecorder recorder = new ProfileRecorder(manifest.input(), manifest.labels());
        try (LoadedModel.Lease lease = models.lease(manifest.name(), manifest.version())) {
            scoring.label(lease.classifier().unobserved(), manifest.input(), holdout, done -> {}, recorder);
        }
        return recorder.predictions() == 0 ? Optional.empty() : Optional.of(recorder.snapshot("holdout"));
    }
}

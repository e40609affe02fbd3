package dev.orchard.retrain;

import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.Sha256;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * How a model is trained: dataset, trainer and the trainer's parameters.
 *
 * @param dataset {@code gs://bucket/prefix/} or {@code gs://bucket/…/manifest.jsonl}
 */
public record Recipe(String dataset, String trainer, Map<String, Object> params) {

    public Recipe {
        params = params == null ? Map.of() : Map.copyOf(params);
    }

    /** The recipe of a version Orchard trained, or {@code null} for one it did not (imported, registered). */
    static Recipe of(ModelManifest manifest) {
        if (manifest.dataset() == null
                || manifest.trainer() == null
                || !manifest.dataset().uri().startsWith("gs://")) {
            return null;
        }
        return new Recipe(
                manifest.dataset().uri(),
                manifest.trainer().type(),
                manifest.trainer().params());
    }

    /** Whether {@code manifest}'s version was trained with this trainer and these parameters. */
    boolean madeOf(ModelManifest manifest) {
        return manifest.dataset() != null
                && manifest.trainer() != null
                && trainer.equals(manifest.trainer().type())
                && params.equals(
                        manifest.trainer().params() == null
                                ? Map.of()
                                : manifest.trainer().params());
    }

    /** A digest of trainer and parameters (not the dataset: that is the fingerprint's business). */
    String digest() {
        String canonical = trainer + "|" + new TreeMap<>(params);
        return Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }
}

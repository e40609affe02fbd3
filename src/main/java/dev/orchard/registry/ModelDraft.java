package dev.orchard.registry;

import dev.orchard.model.ModelInput;
import java.util.List;
import java.util.Map;

/**
 * A model about to be registered: everything of its manifest except the version (assigned by the
 * registry) and the artifact hashes (computed from {@code artifacts}).
 *
 * @param artifacts path relative to the version directory (e.g. {@code model/model.pb}) → content
 */
public record ModelDraft(
        String name,
        ModelManifest.Kind kind,
        ModelInput input,
        ModelManifest.Output output,
        List<String> labels,
        ModelManifest.Metrics metrics,
        ModelManifest.Dataset dataset,
        ModelManifest.Trainer trainer,
        ModelManifest.Provenance provenance,
        Map<String, byte[]> artifacts,
        ModelManifest.Gate gate) {

    /** A draft without a gate decision (first versions, registered models). */
    public ModelDraft(
            String name,
            ModelManifest.Kind kind,
            ModelInput input,
            ModelManifest.Output output,
            List<String> labels,
            ModelManifest.Metrics metrics,
            ModelManifest.Dataset dataset,
            ModelManifest.Trainer trainer,
            ModelManifest.Provenance provenance,
            Map<String, byte[]> artifacts) {
        this(name, kind, input, output, labels, metrics, dataset, trainer, provenance, artifacts, null);
    }
}

package dev.orchard.training;

import dev.orchard.model.Classifier;
import dev.orchard.registry.ModelManifest;
import java.util.Map;

/**
 * A trainer's result: a live classifier (for evaluation, owned by the caller: close it) and the
 * artifacts that the runtime will load from the registry, byte for byte; the library versions that
 * made it and what the trainer reports about the run (for the version's provenance).
 */
public record TrainedModel(
        ModelManifest.Kind kind,
        ModelManifest.Output output,
        Classifier classifier,
        Map<String, byte[]> artifacts,
        Map<String, String> runtime,
        Map<String, Object> details) {}

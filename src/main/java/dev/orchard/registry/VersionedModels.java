package dev.orchard.registry;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loaded models pinned to an explicit version ({@code /v1/models/fruit/versions/3:predict}), kept
 * in a small least-recently-used cache. An evicted model is retired and closed when its last lease
 * closes, so eviction never breaks a request in flight.
 */
public final class VersionedModels implements AutoCloseable {

    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final int capacity;
    private final Map<String, LoadedModel> loaded = new LinkedHashMap<>(16, 0.75f, true);

    public VersionedModels(ModelRegistry registry, ModelLoader loader, int capacity) {
        this.registry = registry;
        this.loader = loader;
        this.capacity = capacity;
    }

    /**
     * A lease on {@code name} version {@code version}; close it when done.
     *
     * @throws ModelNotFoundException if there is no such version
     */
    public synchronized LoadedModel.Lease lease(String name, int version) {
        if (!ModelNames.isValid(name)) {
            throw new ModelNotFoundException("no model named '" + name + "'");
        }
        String key = name + "@" + version;
        LoadedModel model = loaded.get(key);
        if (model == null) {
            ModelManifest manifest = registry.manifest(name, version)
                    .orElseThrow(() -> new ModelNotFoundException("model '" + name + "' has no version " + version));
            model = loader.load(manifest);
            loaded.put(key, model);
            evictBeyondCapacity();
        }
        return model.lease();
    }

    private void evictBeyondCapacity() {
        var eldest = loaded.entrySet().iterator();
        while (loaded.size() > capacity && eldest.hasNext()) {
            eldest.next().getValue().retire();
            eldest.remove();
        }
    }

    @Override
    public synchronized void close() {
        loaded.values().forEach(LoadedModel::retire);
        loaded.clear();
    }
}

package dev.orchard.serving;

import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.VersionedModels;
import org.springframework.stereotype.Component;

/** Resolves {@code /v1/models/{name}} to the champion and {@code .../versions/{v}} to that version. */
@Component
class ModelLeases {

    private final ChampionModels champions;
    private final VersionedModels versions;

    ModelLeases(ChampionModels champions, VersionedModels versions) {
        this.champions = champions;
        this.versions = versions;
    }

    /** @param version {@code null} for the champion, else a version number as written in the path */
    LoadedModel.Lease lease(String name, String version) {
        if (version == null) {
            return champions.lease(name);
        }
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new ModelNotFoundException("model '" + name + "' has no version '" + version + "'");
        }
        return versions.lease(name, number);
    }
}

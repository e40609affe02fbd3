package dev.orchard.serving;

import dev.orchard.registry.Alias;
import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelNames;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelRegistry;
import java.util.List;
import java.util.Locale;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /v1/models/{name}}: every version, the champion, and the version this worker serves. */
@RestController
class ModelStatusController {

    private final ModelRegistry registry;
    private final ChampionModels champions;

    ModelStatusController(ModelRegistry registry, ChampionModels champions) {
        this.registry = registry;
        this.champions = champions;
    }

    @GetMapping({"/v1/models/{name}", "/v1/models/{name}/versions/{version}"})
    ModelStatus status(@PathVariable String name, @PathVariable(required = false) String version) {
        if (!ModelNames.isValid(name)) {
            throw new ModelNotFoundException("no model named '" + name + "'");
        }
        List<ModelManifest> versions = registry.versions(name).stream()
                .filter(m -> version == null || Integer.toString(m.version()).equals(version))
                .toList();
        if (versions.isEmpty()) {
            throw new ModelNotFoundException(
                    version == null
                            ? "no model named '" + name + "'"
                            : "model '" + name + "' has no version '" + version + "'");
        }
        Integer champion = registry.champion(name).map(Alias::version).orElse(null);
        Integer serving = champions.loaded(name).map(ModelManifest::version).orElse(null);
        return new ModelStatus(
                name,
                champion,
                serving,
                versions.stream()
                        .map(m -> new ModelStatus.Version(
                                m.version(),
                                m.kind().name().toLowerCase(Locale.ROOT),
                                m.labels(),
                                m.metrics() == null ? null : m.metrics().accuracy(),
                                m.metrics() == null ? null : m.metrics().macroF1(),
                                m.trainer() == null ? null : m.trainer().type(),
                                m.createdAt()))
                        .toList(),
                versions.stream()
                        .map(m -> ModelStatus.VersionStatus.available(m.version()))
                        .toList());
    }
}

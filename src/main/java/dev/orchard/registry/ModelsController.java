package dev.orchard.registry;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Read routes of the registry (the list side of promote/rollback):
 *
 * <ul>
 *   <li>{@code GET /v1/models}: every model with its champion and number of versions;
 *   <li>{@code GET /v1/models/{name}/versions}: the champion alias and one line per version (kind,
 *       trainer, holdout numbers, dataset fingerprint, the gate's decision);
 *   <li>{@code GET /v1/models/{name}/versions/{version}/manifest}: the full model card;
 *   <li>{@code GET /v1/models/{name}/audit}: who registered, promoted and rolled back what, and why.
 * </ul>
 */
@RestController
class ModelsController {

    private final ModelRegistry registry;

    ModelsController(ModelRegistry registry) {
        this.registry = registry;
    }

    record ModelSummary(String name, Integer champion, int versions) {}

    record Models(List<ModelSummary> models) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record VersionSummary(
            int version,
            ModelManifest.Kind kind,
            String trainer,
            Instant createdAt,
            Double accuracy,
            Double macroF1,
            String dataset,
            String fingerprint,
            String gate,
            ModelManifest.Gate gateDetails,
            boolean champion) {

        static VersionSummary of(ModelManifest m, Integer champion) {
            return new VersionSummary(
                    m.version(),
                    m.kind(),
                    m.trainer() == null ? null : m.trainer().type(),
                    m.createdAt(),
                    m.metrics() == null ? null : m.metrics().accuracy(),
                    m.metrics() == null ? null : m.metrics().macroF1(),
                    m.dataset() == null ? null : m.dataset().uri(),
                    m.dataset() == null ? null : m.dataset().fingerprint(),
                    m.gate() == null ? null : m.gate().decision(),
                    m.gate(),
                    champion != null && champion == m.version());
        }
    }

    record Versions(String name, Alias champion, List<VersionSummary> versions) {}

    @GetMapping("/v1/models")
    Models models() {
        return new Models(registry.models().stream()
                .map(name -> new ModelSummary(
                        name,
                        registry.champion(name).map(Alias::version).orElse(null),
                        registry.versions(name).size()))
                .toList());
    }

    @GetMapping("/v1/models/{name}/versions")
    Versions versions(@PathVariable String name) {
        List<ModelManifest> versions = registry.versions(requireModel(name));
        Alias champion = registry.champion(name).orElse(null);
        if (versions.isEmpty()) {
            throw new ModelNotFoundException("no model named '" + name + "'");
        }
        Integer version = champion == null ? null : champion.version();
        return new Versions(
                name,
                champion,
                versions.stream().map(m -> VersionSummary.of(m, version)).toList());
    }

    @GetMapping("/v1/models/{name}/versions/{version}/manifest")
    ModelManifest manifest(@PathVariable String name, @PathVariable String version) {
        int number;
        try {
            number = Integer.parseInt(version);
        } catch (NumberFormatException e) {
            throw new ModelNotFoundException("model '" + name + "' has no version '" + version + "'");
        }
        return registry.manifest(requireModel(name), number)
                .orElseThrow(() -> new ModelNotFoundException("model '" + name + "' has no version " + version));
    }

    /** The version's {@code report.md} (holdout metrics, confusion table), as {@code text/markdown}. */
    @GetMapping("/v1/models/{name}/versions/{version}/report")
    ResponseEntity<byte[]> report(@PathVariable String name, @PathVariable String version) {
        return artifact(name, version, "report.md", MediaType.parseMediaType("text/markdown;charset=UTF-8"));
    }

    /** The version's confusion matrix heat-map, as {@code image/png}. */
    @GetMapping("/v1/models/{name}/versions/{version}/confusion.png")
    ResponseEntity<byte[]> confusion(@PathVariable String name, @PathVariable String version) {
        return artifact(name, version, "confusion.png", MediaType.IMAGE_PNG);
    }

    private ResponseEntity<byte[]> artifact(String name, String version, String artifact, MediaType type) {
        ModelManifest manifest = manifest(name, version);
        if (manifest.artifacts() == null || !manifest.artifacts().containsKey(artifact)) {
            throw new ModelNotFoundException("model '" + name + "' version " + manifest.version() + " has no "
                    + artifact + " (it was not trained by Orchard)");
        }
        return ResponseEntity.ok()
                .contentType(type)
                .cacheControl(org.springframework.http.CacheControl.maxAge(java.time.Duration.ofDays(1)))
                .body(registry.artifact(manifest, artifact));
    }

    @GetMapping("/v1/models/{name}/audit")
    List<ModelRegistry.AuditEntry> audit(@PathVariable String name) {
        List<ModelRegistry.AuditEntry> log = registry.auditLog(requireModel(name));
        if (log.isEmpty()) {
            throw new ModelNotFoundException("no model named '" + name + "'");
        }
        return log;
    }

    private static String requireModel(String name) {
        if (!ModelNames.isValid(name)) {
            throw new ModelNotFoundException("no model named '" + name + "'");
        }
        return name;
    }
}

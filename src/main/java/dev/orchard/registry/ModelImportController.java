package dev.orchard.registry;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.orchard.model.ModelInput;
import java.net.URI;
import java.security.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/models/{name}/versions} (admin): register a SavedModel exported elsewhere as a new
 * version, e.g. {@code {"source":"gs://bucket/exports/fruit/","labels":["apple","pear"],
 * "scaling":"unit","output":"probabilities","promote":false}}. Answers 201 with the new version.
 */
@RestController
class ModelImportController {

    private final ModelImport imports;
    private final ModelRegistry registry;

    ModelImportController(ModelImport imports, ModelRegistry registry) {
        this.imports = imports;
        this.registry = registry;
    }

    record ImportBody(
            String source,
            List<String> labels,
            String scaling,
            String output,
            Boolean promote,
            @JsonProperty("reason") String reason) {}

    /** The registered version. */
    record Imported(String model, int version, ModelInput input, List<String> labels, boolean champion) {}

    @PostMapping("/v1/models/{name}/versions")
    ResponseEntity<Imported> register(@PathVariable String name, @RequestBody ImportBody body, Principal caller) {
        if (!ModelNames.isValid(name)) {
            throw new IllegalArgumentException(
                    "model name must be lower-case letters, digits and '-', got '" + name + "'");
        }
        String by = "http:" + (caller == null ? "anonymous" : caller.getName());
        ModelManifest manifest = imports.importSavedModel(new ModelImport.Request(
                name,
                body.source(),
                body.labels(),
                body.scaling() == null ? null : parse(ModelInput.Scaling.class, "scaling", body.scaling()),
                body.output() == null ? null : parse(ModelManifest.Output.class, "output", body.output()),
                by));
        boolean champion = false;
        if (Boolean.TRUE.equals(body.promote())) {
            Optional<Alias> current = registry.champion(name);
            registry.promote(
                    name,
                    manifest.version(),
                    current,
                    by,
                    body.reason() == null ? "imported " + body.source() : body.reason());
            champion = true;
        }
        return ResponseEntity.created(URI.create("/v1/models/" + name + "/versions/" + manifest.version()))
                .body(new Imported(name, manifest.version(), manifest.input(), manifest.labels(), champion));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + field + "\" must be one of "
                    + java.util.Arrays.stream(type.getEnumConstants())
                            .map(c -> c.name().toLowerCase(Locale.ROOT))
                            .toList()
                    + ", got '" + value + "'");
        }
    }
}

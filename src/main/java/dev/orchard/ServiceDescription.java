package dev.orchard;

import dev.orchard.dispatch.JobSpecs;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.uploads.UploadSpec;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.ModelAndView;

/** {@code GET /}: what this service is, which models and jobs it has, and where to go next. */
@RestController
class ServiceDescription {

    private final ModelRegistry registry;
    private final JobSpecs specs;

    ServiceDescription(ModelRegistry registry, JobSpecs specs) {
        this.registry = registry;
        this.specs = specs;
    }

    record Description(
            String service,
            String description,
            List<String> models,
            List<Map<String, String>> jobs,
            Map<String, String> endpoints) {}

    /**
     * A browser (its {@code Accept} names {@code text/html}) gets the console; every other client the
     * JSON description.
     */
    @GetMapping("/")
    Object describe(@RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        if (accept != null && accept.contains(MediaType.TEXT_HTML_VALUE)) {
            return new ModelAndView("forward:/console/index.html");
        }
        return description();
    }

    private Description description() {
        return new Description(
                "orchard",
                "Event-driven image classification worker: uploads are scored by the champion model, results land "
                        + "next to them; models are versioned in the registry.",
                registry.models(),
                specs.all().stream().map(ServiceDescription::job).toList(),
                Map.of(
                        "classify",
                        "POST /v1/models/{name}:classify (multipart 'image')",
                        "model status",
                        "GET /v1/models/{name}",
                        "liveness",
                        "GET /actuator/health/liveness",
                        "readiness",
                        "GET /actuator/health/readiness",
                        "console",
                        "GET / in a browser"));
    }

    private static Map<String, String> job(UploadSpec spec) {
        return Map.of(
                "name",
                spec.name(),
                "kind",
                spec.kind().name().toLowerCase(java.util.Locale.ROOT),
                "watches",
                "gs://" + spec.storage().bucket() + "/" + spec.storage().prefix(),
                "model",
                spec.model().toString(),
                "output",
                spec.output());
    }
}

package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ModelInput;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.LoadedModel;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelNames;
import dev.orchard.registry.ModelRegistry;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Status;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Open Inference Protocol (KServe V2) REST API: server and model health, metadata, and JSON
 * {@code infer}. Without a version the champion answers. Errors are {@code {"error": "..."}} as
 * the protocol specifies; health answers 200 for true and 400 for false.
 */
@RestController
class OpenInferenceController {

    private static final Logger log = LoggerFactory.getLogger(OpenInferenceController.class);

    private final ModelLeases models;
    private final ModelRegistry registry;
    private final ChampionModels champions;
    private final ChampionReadiness readiness;
    private final ImageDecoder decoder;
    private final MicroBatcher batcher;
    private final TensorBodyReader bodies;
    private final ServingProperties.Requests limits;
    private final String serverVersion;

    OpenInferenceController(
            ModelLeases models,
            ModelRegistry registry,
            ChampionModels champions,
            ChampionReadiness readiness,
            ImageDecoder decoder,
            MicroBatcher batcher,
            TensorBodyReader bodies,
            ServingProperties properties) {
        this.models = models;
        this.registry = registry;
        this.champions = champions;
        this.readiness = readiness;
        this.decoder = decoder;
        this.batcher = batcher;
        this.bodies = bodies;
        this.limits = properties.requests();
        this.serverVersion = Optional.ofNullable(
                        OpenInferenceController.class.getPackage().getImplementationVersion())
                .orElse("dev");
    }

    @GetMapping("/v2")
    Map<String, Object> server() {
        return Map.of("name", "orchard", "version", serverVersion, "extensions", List.of());
    }

    @GetMapping("/v2/health/live")
    Map<String, Object> live() {
        return Map.of("live", true);
    }

    @GetMapping("/v2/health/ready")
    ResponseEntity<Map<String, Object>> ready() {
        var health = readiness.health();
        boolean ready = health != null && Status.UP.equals(health.getStatus());
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.BAD_REQUEST)
                .body(Map.of("ready", ready));
    }

    @GetMapping({"/v2/models/{name}/ready", "/v2/models/{name}/versions/{version}/ready"})
    ResponseEntity<Map<String, Object>> modelReady(
            @PathVariable String name, @PathVariable(required = false) String version) {
        boolean ready = ModelNames.isValid(name)
                && (version == null
                        ? champions.loaded(name).isPresent()
                        : manifest(name, version).isPresent());
        return ResponseEntity.status(ready ? HttpStatus.OK : HttpStatus.BAD_REQUEST)
                .body(Map.of("name", name, "ready", ready));
    }

    @GetMapping({"/v2/models/{name}", "/v2/models/{name}/versions/{version}"})
    ResponseEntity<Map<String, Object>> metadata(
            @PathVariable String name, @PathVariable(required = false) String version) {
        Optional<ModelManifest> manifest = !ModelNames.isValid(name)
                ? Optional.empty()
                : version == null
                        ? registry.champion(name).flatMap(a -> registry.manifest(name, a.version()))
                        : manifest(name, version);
        if (manifest.isEmpty()) {
            return error(HttpStatus.NOT_FOUND, notFound(name, version));
        }
        ModelManifest m = manifest.get();
        ModelInput input = m.input();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put(
                "versions",
                registry.versions(name).stream()
                        .map(v -> Integer.toString(v.version()))
                        .toList());
        body.put("platform", m.kind() == ModelManifest.Kind.TENSORFLOW ? "tensorflow_savedmodel" : "tribuo");
        body.put(
                "inputs",
                List.of(tensor(
                        InferRequest.INPUT, "FP32", List.of(-1, input.height(), input.width(), input.channels()))));
        body.put(
                "outputs",
                List.of(
                        tensor(
                                InferRequest.PROBABILITIES,
                                "FP32",
                                List.of(-1, m.labels().size())),
                        tensor(InferRequest.LABEL, "BYTES", List.of(-1))));
        body.put(
                "parameters", Map.of("version", Integer.toString(m.version()), "labels", String.join(",", m.labels())));
        return ResponseEntity.ok(body);
    }

    @PostMapping({"/v2/models/{name}/infer", "/v2/models/{name}/versions/{version}/infer"})
    ResponseEntity<Map<String, Object>> infer(
            @PathVariable String name, @PathVariable(required = false) String version, HttpServletRequest request) {
        if (request.getHeader("Inference-Header-Content-Length") != null) {
            return error(
                    HttpStatus.BAD_REQUEST,
                    "the binary tensor data extension is not supported; send the tensors as JSON");
        }
        try (LoadedModel.Lease model = models.lease(name, version)) {
            InferRequest parsed = bodies.parse(
                    request,
                    body -> InferRequest.parse(
                            body, model.classifier().input(), ImageRows.of(decoder, model.classifier()), limits));
            List<String> labels = model.classifier().labels();
            List<CompletableFuture<Prediction>> pending = new ArrayList<>();
            for (float[] row : parsed.rows()) {
                pending.add(batcher.submit(model, row, labels.size()));
            }
            List<Double> probabilities = new ArrayList<>();
            List<String> top = new ArrayList<>();
            for (CompletableFuture<Prediction> future : pending) {
                Prediction prediction = TensorBodies.await(future);
                for (double p : TensorBodies.probabilities(labels, prediction)) {
                    probabilities.add(p);
                }
                top.add(prediction.label());
            }
            int n = parsed.rows().size();
            List<Map<String, Object>> outputs = new ArrayList<>();
            for (String output : parsed.outputs()) {
                outputs.add(
                        InferRequest.PROBABILITIES.equals(output)
                                ? tensor(output, "FP32", List.of(n, labels.size()), probabilities)
                                : tensor(output, "BYTES", List.of(n), top));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("model_name", name);
            body.put("model_version", Integer.toString(model.manifest().version()));
            if (parsed.id() != null) {
                body.put("id", parsed.id());
            }
            body.put("outputs", outputs);
            return ResponseEntity.ok(body);
        } catch (RuntimeException e) {
            return TensorBodies.failure(e, "infer on " + name, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(HttpStatus.SERVICE_UNAVAILABLE, "interrupted");
        }
    }

    private Optional<ModelManifest> manifest(String name, String version) {
        try {
            return registry.manifest(name, Integer.parseInt(version));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String notFound(String name, String version) {
        return version == null
                ? "no model named '" + name + "' with a champion"
                : "model '" + name + "' has no version '" + version + "'";
    }

    private static Map<String, Object> tensor(String name, String datatype, List<Integer> shape) {
        Map<String, Object> tensor = new LinkedHashMap<>();
        tensor.put("name", name);
        tensor.put("datatype", datatype);
        tensor.put("shape", shape);
        return tensor;
    }

    private static Map<String, Object> tensor(String name, String datatype, List<Integer> shape, List<?> data) {
        Map<String, Object> tensor = tensor(name, datatype, shape);
        tensor.put("data", data);
        return tensor;
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return TensorBodies.error(status, message);
    }
}

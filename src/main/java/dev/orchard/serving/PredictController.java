package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.Prediction;
import dev.orchard.registry.LoadedModel;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * TensorFlow Serving REST compatible predict: {@code POST /v1/models/{name}[/versions/{v}]:predict}.
 * Answers {@code {"predictions": [[p0, p1, ...], ...]}} (or {@code {"outputs": ...}} for columnar
 * requests), one probability vector per instance in the model's label order; errors are {@code
 * {"error": "..."}} with TF Serving's status codes, as its clients expect.
 */
@RestController
class PredictController {

    private static final Logger log = LoggerFactory.getLogger(PredictController.class);

    private final ModelLeases models;
    private final ImageDecoder decoder;
    private final MicroBatcher batcher;
    private final TensorBodyReader bodies;
    private final ServingProperties.Requests limits;

    PredictController(
            ModelLeases models,
            ImageDecoder decoder,
            MicroBatcher batcher,
            TensorBodyReader bodies,
            ServingProperties properties) {
        this.models = models;
        this.decoder = decoder;
        this.batcher = batcher;
        this.bodies = bodies;
        this.limits = properties.requests();
    }

    @PostMapping({"/v1/models/{name}:predict", "/v1/models/{name}/versions/{version}:predict"})
    ResponseEntity<Map<String, Object>> predict(
            @PathVariable String name, @PathVariable(required = false) String version, HttpServletRequest request) {
        try {
            try (LoadedModel.Lease model = models.lease(name, version)) {
                PredictRequest parsed = bodies.parse(
                        request,
                        body -> PredictRequest.parse(
                                body, model.classifier().input(), ImageRows.of(decoder, model.classifier()), limits));
                List<CompletableFuture<Prediction>> pending = new ArrayList<>();
                int all = model.classifier().labels().size();
                for (float[] row : parsed.rows()) {
                    pending.add(batcher.submit(model, row, all));
                }
                List<double[]> vectors = new ArrayList<>();
                for (CompletableFuture<Prediction> future : pending) {
                    vectors.add(TensorBodies.probabilities(model.classifier().labels(), TensorBodies.await(future)));
                }
                return ResponseEntity.ok(Map.of(parsed.columnar() ? "outputs" : "predictions", vectors));
            }
        } catch (RuntimeException e) {
            return TensorBodies.failure(e, "predict on " + name, log);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return error(HttpStatus.SERVICE_UNAVAILABLE, "interrupted");
        }
    }

    private static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return TensorBodies.error(status, message);
    }
}

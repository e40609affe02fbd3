package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.Prediction;
import dev.orchard.registry.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /v1/models/{name}:classify} with one or several multipart {@code image} parts: the
 * champion's answer for each (one object for one image, an array in part order for several).
 * Images are decoded on the request thread and classified through the {@link MicroBatcher}, so
 * concurrent requests share inference calls.
 */
@RestController
class ClassifyController {

    private final ModelLeases models;
    private final ImageDecoder decoder;
    private final MicroBatcher batcher;
    private final ServingProperties properties;

    ClassifyController(ModelLeases models, ImageDecoder decoder, MicroBatcher batcher, ServingProperties properties) {
        this.models = models;
        this.decoder = decoder;
        this.batcher = batcher;
        this.properties = properties;
    }

    @PostMapping(
            path = {"/v1/models/{name}:classify", "/v1/models/{name}/versions/{version}:classify"},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Object classify(
            @PathVariable String name,
            @PathVariable(required = false) String version,
            @RequestPart("image") List<MultipartFile> images)
            throws Exception {
        try (LoadedModel.Lease model = models.lease(name, version)) {
            properties.requests().check(images.size(), model.classifier().input());
            List<CompletableFuture<Prediction>> pending = new ArrayList<>();
            for (MultipartFile image : images) {
                pending.add(classify(
                        model,
                        decoder.decode(
                                image.getBytes(), model.classifier().input(), model.classifier()::observedSource)));
            }
            List<Classification> answers = new ArrayList<>();
            for (CompletableFuture<Prediction> future : pending) {
                Prediction p = TensorBodies.await(future);
                answers.add(new Classification(
                        p.label(),
                        p.confidence(),
                        p.top(),
                        model.manifest().name(),
                        model.manifest().version()));
            }
            return answers.size() == 1 ? answers.get(0) : answers;
        }
    }

    private CompletableFuture<Prediction> classify(LoadedModel.Lease model, float[] input) {
        return batcher.submit(model, input, properties.topK());
    }
}

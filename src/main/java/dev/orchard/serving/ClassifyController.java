package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.Prediction;
import dev.orchard.registry.LoadedModel;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.SchemaProperty;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.support.MissingServletRequestPartException;

/**
 * {@code POST /v1/models/{name}:classify} with one or several multipart {@code image} parts: the
 * champion's answer for each (one object for one image, an array in part order for several); or
 * with the image itself as the body ({@code Content-Type: image/jpeg}, {@code image/png}, {@code
 * image/webp} or {@code application/octet-stream}): its answer, without the cost of multipart
 * parsing. Multipart bodies are parsed by {@link MultipartImages} (Spring's multipart resolver is
 * off: {@code spring.servlet.multipart.enabled=false}); every body is held within the {@link
 * BodyBudget}. Images are decoded on the request thread and classified through the {@link
 * MicroBatcher}, so concurrent requests share inference calls.
 */
@RestController
class ClassifyController {

    private static final String CHAMPION = "/v1/models/{name}:classify";
    private static final String VERSION = "/v1/models/{name}/versions/{version}:classify";
    private static final String IMAGE = "image";

    private final ModelLeases models;
    private final ImageDecoder decoder;
    private final MicroBatcher batcher;
    private final ServingProperties properties;
    private final BodyBudget bodies;

    ClassifyController(
            ModelLeases models,
            ImageDecoder decoder,
            MicroBatcher batcher,
            ServingProperties properties,
            BodyBudget bodies) {
        this.models = models;
        this.decoder = decoder;
        this.batcher = batcher;
        this.properties = properties;
        this.bodies = bodies;
    }

    @PostMapping(
            path = {CHAMPION, VERSION},
            consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @RequestBody(
            content =
                    @Content(
                            mediaType = MediaType.MULTIPART_FORM_DATA_VALUE,
                            schema = @Schema(type = "object", requiredProperties = IMAGE),
                            schemaProperties =
                                    @SchemaProperty(
                                            name = IMAGE,
                                            array =
                                                    @ArraySchema(
                                                            schema = @Schema(type = "string", format = "binary")))))
    Object classify(
            @PathVariable String name, @PathVariable(required = false) String version, HttpServletRequest request)
            throws Exception {
        try (BodyBudget.Reservation held = bodies.open()) {
            List<byte[]> images = MultipartImages.read(request, IMAGE, properties.requests(), decoder.maxBytes(), held);
            if (images.isEmpty()) {
                throw new MissingServletRequestPartException(IMAGE);
            }
            try (LoadedModel.Lease model = models.lease(name, version)) {
                properties.requests().check(images.size(), model.classifier().input());
                List<CompletableFuture<Prediction>> pending = new ArrayList<>();
                for (byte[] image : images) {
                    pending.add(classify(model, image));
                }
                List<Classification> answers = answers(model, pending);
                return answers.size() == 1 ? answers.get(0) : answers;
            }
        }
    }

    /** One image as the whole body, read within {@code orchard.images.max-bytes}. */
    @PostMapping(
            path = {CHAMPION, VERSION},
            consumes = {
                MediaType.IMAGE_JPEG_VALUE,
                MediaType.IMAGE_PNG_VALUE,
                "image/webp",
                MediaType.APPLICATION_OCTET_STREAM_VALUE
            })
    Classification classifyBody(
            @PathVariable String name, @PathVariable(required = false) String version, HttpServletRequest request)
            throws Exception {
        try (BodyBudget.Reservation held = bodies.open()) {
            byte[] image = body(request, held);
            try (LoadedModel.Lease model = models.lease(name, version)) {
                return answers(model, List.of(classify(model, image))).get(0);
            }
        }
    }

    private byte[] body(HttpServletRequest request, BodyBudget.Reservation held) {
        long max = decoder.maxBytes();
        byte[] bytes = TensorBodies.read(
                request,
                max,
                size -> new ImageRejectedException(
                        ImageRejectedException.Reason.TOO_LARGE,
                        "the image is " + size + "; the limit is " + max + " bytes (orchard.images.max-bytes)"),
                held);
        if (bytes.length == 0) {
            throw new BadPredictException("the request body is empty: send the image as the body, or as a"
                    + " multipart/form-data part named 'image'");
        }
        return bytes;
    }

    private CompletableFuture<Prediction> classify(LoadedModel.Lease model, byte[] image) {
        return classify(model, decoder.decode(image, model.classifier().input(), model.classifier()::observedSource));
    }

    private static List<Classification> answers(LoadedModel.Lease model, List<CompletableFuture<Prediction>> pending)
            throws Exception {
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
        return answers;
    }

    private CompletableFuture<Prediction> classify(LoadedModel.Lease model, float[] input) {
        return batcher.submit(model, input, properties.topK());
    }
}

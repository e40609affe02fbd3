package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.Prediction;
import dev.orchard.registry.LoadedModel;
import jakarta.servlet.http.HttpServletRequest;
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
 * champion's answer for each (one object for one image, an array in part order for several); or
 * with the image itself as the body ({@code Content-Type: image/jpeg}, {@code image/png}, {@code
 * image/webp} or {@code application/octet-stream}): its answer, without the cost of multipart
 * parsing. Images are decoded on the request thread and classified through the {@link
 * MicroBatcher}, so concurrent requests share inference calls.
 */
@RestController
class ClassifyController {

    private static final String CHAMPION = "/v1/models/{name}:classify";
    private static final String VERSION = "/v1/models/{name}/versions/{version}:classify";

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
            path = {CHAMPION, VERSION},
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
                pending.add(classify(model, image.getBytes()));
            }
            List<Classification> answers = answers(model, pending);
            return answers.size() == 1 ? answers.get(0) : answers;
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
        byte[] image = body(request);
        try (LoadedModel.Lease model = models.lease(name, version)) {
            return answers(model, List.of(classify(model, image))).get(0);
        }
    }

    private byte[] body(HttpServletRequest request) {
        long max = decoder.maxBytes();
        byte[] bytes = TensorBodies.read(
                request,
                max,
                size -> new ImageRejectedException(
                        ImageRejectedException.Reason.TOO_LARGE,
                        "the image is " + size + "; the limit is " + max + " bytes (orchard.images.max-bytes)"));
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

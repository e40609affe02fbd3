package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ChampionModels;
import dev.orchard.registry.LoadedModel;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** {@code POST /v1/models/{name}:classify} with a multipart {@code image}: the champion's answer. */
@RestController
class ClassifyController {

    private final ChampionModels champions;
    private final ImageDecoder decoder;
    private final ServingProperties properties;

    ClassifyController(ChampionModels champions, ImageDecoder decoder, ServingProperties properties) {
        this.champions = champions;
        this.decoder = decoder;
        this.properties = properties;
    }

    @PostMapping(path = "/v1/models/{name}:classify", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Classification classify(@PathVariable String name, @RequestPart("image") MultipartFile image) throws IOException {
        try (LoadedModel.Lease model = champions.lease(name)) {
            float[] input = decoder.decode(image.getBytes(), model.classifier().input());
            Prediction prediction = model.classifier()
                    .classify(new float[][] {input}, properties.topK())
                    .get(0);
            return new Classification(
                    prediction.label(),
                    prediction.confidence(),
                    prediction.top(),
                    model.manifest().name(),
                    model.manifest().version());
        }
    }
}

package dev.orchard.serving;

import dev.orchard.model.Classifier;
import dev.orchard.model.ImageDecoder;

/** How an encoded image in a request body becomes one input row of the model it is for. */
@FunctionalInterface
interface ImageRows {

    /** @throws dev.orchard.model.ImageRejectedException for bytes that are not an acceptable image */
    float[] decode(byte[] image);

    /** Decodes for {@code classifier}'s input, telling it the source image's size (drift counts it). */
    static ImageRows of(ImageDecoder decoder, Classifier classifier) {
        return image -> decoder.decode(image, classifier.input(), classifier::observedSource);
    }
}

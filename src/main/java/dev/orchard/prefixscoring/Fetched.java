package dev.orchard.prefixscoring;

import dev.orchard.model.ModelInput;
import dev.orchard.storage.ObjectRef;

/** An object after reading and decoding: a tensor for the model, or the reason it has none. */
sealed interface Fetched {

    int index();

    ObjectRef ref();

    /**
     * A decoded image kept as 8-bit samples until its inference call (a quarter of the floats'
     * size: a chunk of 224×224 images holds 150 KB each, not 600 KB), with the source image's
     * size as displayed.
     */
    record Decoded(int index, ObjectRef ref, byte[] pixels, ModelInput input, long width, long height)
            implements Fetched {

        /** The model's floats, made when the inference batch is built. */
        float[] tensor() {
            return input.toFloats(pixels);
        }
    }

    /**
     * @param reason {@code NOT_AN_IMAGE}, {@code CORRUPT}, {@code UNSUPPORTED}, {@code TOO_LARGE},
     *     {@code TOO_MANY_PIXELS}, {@code NOT_FOUND} or {@code READ_FAILURE}
     */
    record Unscorable(int index, ObjectRef ref, String reason, String error) implements Fetched {}
}

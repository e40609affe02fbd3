package dev.orchard.prefixscoring;

import dev.orchard.storage.ObjectRef;

/** An object after reading and decoding: a tensor for the model, or the reason it has none. */
sealed interface Fetched {

    int index();

    ObjectRef ref();

    record Decoded(int index, ObjectRef ref, float[] tensor) implements Fetched {}

    /**
     * @param reason {@code NOT_AN_IMAGE}, {@code CORRUPT}, {@code UNSUPPORTED}, {@code TOO_LARGE},
     *     {@code TOO_MANY_PIXELS}, {@code NOT_FOUND} or {@code READ_FAILURE}
     */
    record Unscorable(int index, ObjectRef ref, String reason, String error) implements Fetched {}
}

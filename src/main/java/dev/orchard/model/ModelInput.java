package dev.orchard.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What a model expects per image, as declared in its manifest: the image is resized (stretched) to
 * {@code width × height}, reduced to {@code channels} (1 = luminance, 3 = RGB) and scaled.
 */
public record ModelInput(int height, int width, int channels, Scaling scaling) {

    public ModelInput {
        if (height < 1 || width < 1 || height > 4096 || width > 4096) {
            throw new IllegalArgumentException("model input size must be 1..4096, got " + width + "x" + height);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("model input channels must be 1 or 3, got " + channels);
        }
        if (scaling == null) {
            scaling = Scaling.UNIT;
        }
    }

    /** Number of floats per image. */
    public int size() {
        return height * width * channels;
    }

    /** Scales {@code size()} unsigned 8-bit samples (from {@link ImageDecoder#decodePixels}) to the model's floats. */
    public float[] toFloats(byte[] pixels) {
        if (pixels.length != size()) {
            throw new IllegalArgumentException("expected " + size() + " samples, got " + pixels.length);
        }
        float[] table = new float[256];
        for (int v = 0; v < 256; v++) {
            table[v] = scaling.apply(v);
        }
        float[] floats = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            floats[i] = table[pixels[i] & 0xFF];
        }
        return floats;
    }

    /** How 8-bit pixel values map to floats. */
    public enum Scaling {
        /** {@code v / 255}: [0, 1]. */
        @JsonProperty("unit")
        UNIT,
        /** {@code v / 127.5 - 1}: [-1, 1] (MobileNet/Inception style). */
        @JsonProperty("symmetric")
        SYMMETRIC,
        /** {@code v}: [0, 255]. */
        @JsonProperty("raw")
        RAW;

        /**
         * The 8-bit sample value a model float came from (the inverse of the scaling): an affine map,
         * so it also turns a mean of floats into the mean of their samples.
         */
        public double toSample(double value) {
            return switch (this) {
                case UNIT -> value * 255.0;
                case SYMMETRIC -> (value + 1.0) * 127.5;
                case RAW -> value;
            };
        }

        float apply(int value) {
            return switch (this) {
                case UNIT -> value / 255f;
                case SYMMETRIC -> value / 127.5f - 1f;
                case RAW -> value;
            };
        }
    }
}

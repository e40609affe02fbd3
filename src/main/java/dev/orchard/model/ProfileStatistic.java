package dev.orchard.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link PredictionProfile} counts, each numeric statistic over fixed bins (the same bins for
 * a baseline and a live window, so they compare bin by bin). Bin {@code i} holds values in {@code
 * [edges[i-1], edges[i])}; the first bin everything below {@code edges[0]}, the last everything from
 * the last edge up.
 */
public enum ProfileStatistic {
    /** The top-1 label (one bin per label). */
    LABEL("label"),
    /** The top-1 probability. */
    CONFIDENCE("confidence", 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    /** Mean 8-bit sample value of the image as the model sees it (0 black … 255 white). */
    BRIGHTNESS("brightness", 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224, 240),
    /** Standard deviation of the 8-bit sample values (0: a flat image). */
    CONTRAST("contrast", 8, 16, 24, 32, 40, 48, 56, 64, 72, 80, 96, 112),
    /** Width ÷ height of the source image, as displayed (EXIF orientation applied). */
    ASPECT_RATIO("aspect-ratio", 0.5, 0.67, 0.8, 0.95, 1.05, 1.25, 1.5, 2.0),
    /** Pixels of the source image, before it is resized for the model. */
    SOURCE_SIZE("source-size", 1_024, 4_096, 16_384, 65_536, 262_144, 1_048_576, 4_194_304, 16_777_216);

    private final String id;
    private final double[] edges;

    ProfileStatistic(String id, double... edges) {
        this.id = id;
        this.edges = edges;
    }

    /** The name used in JSON, metrics and job specs. */
    public String id() {
        return id;
    }

    /** Number of bins (0 for {@link #LABEL}, whose bins are the model's labels). */
    public int bins() {
        return this == LABEL ? 0 : edges.length + 1;
    }

    /** The bin {@code value} falls in. */
    public int bin(double value) {
        if (Double.isNaN(value)) {
            return 0;
        }
        int at = Arrays.binarySearch(edges, value);
        return at >= 0 ? at + 1 : -at - 1;
    }

    /** Readable names of the bins, e.g. {@code [0.1, 0.2)}. */
    public List<String> binNames() {
        List<String> names = new ArrayList<>(bins());
        for (int i = 0; i < bins(); i++) {
            String low = i == 0 ? "" : format(edges[i - 1]);
            String high = i == edges.length ? "" : format(edges[i]);
            names.add(i == 0 ? "< " + high : i == edges.length ? ">= " + low : "[" + low + ", " + high + ")");
        }
        return names;
    }

    /** The statistic named {@code id}. */
    public static ProfileStatistic of(String id) {
        for (ProfileStatistic s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown statistic '" + id + "'; one of "
                + Arrays.stream(values()).map(ProfileStatistic::id).toList());
    }

    private static String format(double edge) {
        return edge == Math.rint(edge) ? Long.toString((long) edge) : Double.toString(edge);
    }
}

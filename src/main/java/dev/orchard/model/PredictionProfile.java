package dev.orchard.model;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distributions of what a model was shown and what it said, over a set of predictions: counts
 * of the top-1 label and, per numeric {@link ProfileStatistic}, counts per fixed bin. A version's
 * baseline is one (from its holdout, or its first predictions when it came without one), and so is
 * every live window; profiles of the same model add up bin by bin ({@link #plus}).
 *
 * @param source where the counts come from: {@code holdout}, {@code first-predictions}, {@code
 *     live}
 * @param predictions predictions counted (label and confidence have this many samples)
 * @param sources images whose source size and aspect ratio were counted (images sent as tensors
 *     have none)
 * @param labels top-1 label → count, every label of the model present
 * @param histograms {@link ProfileStatistic#id()} → counts per bin, for every numeric statistic
 */
public record PredictionProfile(
        String source, long predictions, long sources, Map<String, Long> labels, Map<String, long[]> histograms) {

    public PredictionProfile {
        labels = labels == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        Map<String, long[]> copy = new LinkedHashMap<>();
        for (ProfileStatistic statistic : ProfileStatistic.values()) {
            if (statistic != ProfileStatistic.LABEL) {
                long[] counts = histograms == null ? null : histograms.get(statistic.id());
                copy.put(
                        statistic.id(),
                        counts == null || counts.length != statistic.bins()
                                ? new long[statistic.bins()]
                                : counts.clone());
            }
        }
        histograms = java.util.Collections.unmodifiableMap(copy);
    }

    /** No predictions yet, for a model with {@code labels}. */
    public static PredictionProfile empty(String source, List<String> labels) {
        Map<String, Long> zero = new LinkedHashMap<>();
        labels.forEach(label -> zero.put(label, 0L));
        return new PredictionProfile(source, 0, 0, zero, null);
    }

    /** Bin name → count for {@code statistic}. */
    public Map<String, Long> distribution(ProfileStatistic statistic) {
        if (statistic == ProfileStatistic.LABEL) {
            return labels;
        }
        long[] counts = histograms.get(statistic.id());
        List<String> names = statistic.binNames();
        Map<String, Long> out = new LinkedHashMap<>();
        for (int i = 0; i < counts.length; i++) {
            out.put(names.get(i), counts[i]);
        }
        return out;
    }

    /** Samples behind {@code statistic}'s distribution. */
    public long samples(ProfileStatistic statistic) {
        return switch (statistic) {
            case ASPECT_RATIO, SOURCE_SIZE -> sources;
            case LABEL, CONFIDENCE, BRIGHTNESS, CONTRAST -> predictions;
        };
    }

    /** Both profiles' counts together, under {@code source}. */
    public PredictionProfile plus(PredictionProfile other, String source) {
        Map<String, Long> sum = new LinkedHashMap<>(labels);
        other.labels.forEach((label, count) -> sum.merge(label, count, Long::sum));
        Map<String, long[]> bins = new LinkedHashMap<>();
        histograms.forEach((id, counts) -> {
            long[] added = counts.clone();
            long[] theirs = other.histograms.get(id);
            for (int i = 0; i < added.length; i++) {
                added[i] += theirs[i];
            }
            bins.put(id, added);
        });
        return new PredictionProfile(source, predictions + other.predictions, sources + other.sources, sum, bins);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof PredictionProfile other)) {
            return false;
        }
        if (!(source.equals(other.source)
                && predictions == other.predictions
                && sources == other.sources
                && labels.equals(other.labels))) {
            return false;
        }
        return histograms.keySet().stream().allMatch(id -> Arrays.equals(histograms.get(id), other.histograms.get(id)));
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(source, predictions, sources, labels);
    }

    @Override
    public String toString() {
        return "PredictionProfile[" + source + ", " + predictions + " predictions]";
    }
}

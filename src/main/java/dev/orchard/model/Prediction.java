package dev.orchard.model;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A classifier's answer for one image: the best label, its probability, and the top-k ranking. */
public record Prediction(String label, double confidence, List<LabelScore> top) {

    /** One label and its probability. */
    public record LabelScore(String label, double score) {}

    /** Ranks {@code probabilities} (aligned with {@code labels}) and keeps the best {@code k}. */
    public static Prediction rank(List<String> labels, float[] probabilities, int k) {
        List<LabelScore> scores = new ArrayList<>(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            scores.add(new LabelScore(labels.get(i), probabilities[i]));
        }
        scores.sort(Comparator.comparingDouble(LabelScore::score).reversed().thenComparing(LabelScore::label));
        List<LabelScore> top = List.copyOf(scores.subList(0, Math.min(Math.max(k, 1), scores.size())));
        return new Prediction(top.get(0).label(), top.get(0).score(), top);
    }
}

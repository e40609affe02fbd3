package dev.orchard.serving;

import dev.orchard.model.Prediction;
import java.util.List;

/** The response of {@code :classify}. */
public record Classification(
        String label, double confidence, List<Prediction.LabelScore> top, String model, int version) {}

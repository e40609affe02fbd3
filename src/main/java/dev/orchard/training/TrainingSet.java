package dev.orchard.training;

import dev.orchard.model.ModelInput;
import java.util.List;

/**
 * Decoded examples ready for a trainer: {@code features[i]} is laid out as {@code input} declares,
 * {@code targets[i]} indexes {@code labels}.
 */
public record TrainingSet(List<String> labels, ModelInput input, List<float[]> features, int[] targets) {

    public int size() {
        return features.size();
    }
}

package dev.orchard.training;

import dev.orchard.model.ModelInput;
import java.util.Map;

/** Trains a classifier from decoded images. Implementations are chosen by {@link #type()} in job specs. */
public interface Trainer {

    /** The {@code trainer.type} that selects this trainer, e.g. {@code tribuo-cart}. */
    String type();

    /** The input this trainer wants images decoded to, given the spec's parameters. */
    ModelInput input(Map<String, Object> params);

    /**
     * Trains on {@code data}, reporting epochs to {@code progress} if it has them.
     *
     * @throws IllegalArgumentException for parameters it does not understand
     */
    TrainedModel train(TrainingSet data, Map<String, Object> params, TrainingProgress progress);

    /** Trains on {@code data} without reporting progress. */
    default TrainedModel train(TrainingSet data, Map<String, Object> params) {
        return train(data, params, TrainingProgress.NONE);
    }
}

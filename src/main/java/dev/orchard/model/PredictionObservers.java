package dev.orchard.model;

import java.util.List;

/** Gives each loaded registered version the observer its traffic is counted by. */
@FunctionalInterface
public interface PredictionObservers {

    /** Counts nothing. */
    PredictionObservers NONE = (model, version, input, labels) -> PredictionObserver.NONE;

    PredictionObserver observer(String model, int version, ModelInput input, List<String> labels);
}

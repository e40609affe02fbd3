package dev.orchard.training;

/** What a training run reports while it works: images decoded, then epochs (trainers that have them). */
public interface TrainingProgress {

    /** Nothing is reported. */
    TrainingProgress NONE = new TrainingProgress() {};

    /** {@code done} of {@code total} training images decoded (or skipped). */
    default void decoded(int done, int total) {}

    /** Epoch {@code epoch} of {@code epochs} finished with mean training loss {@code loss}. */
    default void epoch(int epoch, int epochs, double loss) {}
}

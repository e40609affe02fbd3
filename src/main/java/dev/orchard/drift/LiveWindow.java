package dev.orchard.drift;

import dev.orchard.model.ModelInput;
import dev.orchard.model.PredictionObserver;
import dev.orchard.model.PredictionProfile;
import dev.orchard.model.ProfileRecorder;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One version's traffic on this worker: a count window and a time window of slices, and its first
 * predictions (a baseline for a version registered without a holdout). Thread-safe.
 */
final class LiveWindow implements PredictionObserver {

    private final String model;
    private final int version;
    private final ModelInput input;
    private final Clock clock;
    private final SliceRing byCount;
    private final SliceRing byTime;
    private final ProfileRecorder first;
    private final int firstPredictions;
    private volatile Instant lastObserved;

    LiveWindow(
            String model, int version, ModelInput input, List<String> labels, DriftProperties properties, Clock clock) {
        this.model = model;
        this.version = version;
        this.input = input;
        this.clock = clock;
        this.byCount = SliceRing.byCount(input, labels, properties.sliceSize(), properties.countSlices());
        this.byTime = SliceRing.byTime(input, labels, properties.sliceDuration(), properties.timeSlices());
        this.first = new ProfileRecorder(input, labels);
        this.firstPredictions = properties.firstPredictions();
        this.lastObserved = clock.instant();
    }

    String model() {
        return model;
    }

    int version() {
        return version;
    }

    Instant lastObserved() {
        return lastObserved;
    }

    @Override
    public void observed(float[][] rows, float[][] probabilities) {
        ProfileRecorder.Binned batch = ProfileRecorder.binned(input, rows, probabilities);
        Instant now = clock.instant();
        lastObserved = now;
        byCount.current(now).recorder.add(batch);
        byTime.current(now).recorder.add(batch);
        if (first.predictions() < firstPredictions) {
            first.add(batch);
        }
    }

    @Override
    public void observedSource(long width, long height) {
        Instant now = clock.instant();
        byCount.current(now).recorder.observedSource(width, height);
        byTime.current(now).recorder.observedSource(width, height);
        if (first.predictions() < firstPredictions) {
            first.observedSource(width, height);
        }
    }

    List<Slice> countSlices() {
        return byCount.slices();
    }

    List<Slice> timeSlices() {
        return byTime.slices();
    }

    /** The first {@code orchard.drift.first-predictions} predictions, once there were that many. */
    Optional<PredictionProfile> firstPredictions() {
        PredictionProfile profile = first.snapshot("first-predictions");
        return profile.predictions() >= firstPredictions ? Optional.of(profile) : Optional.empty();
    }
}

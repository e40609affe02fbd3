package dev.orchard.drift;

import dev.orchard.model.ModelInput;
import dev.orchard.model.ProfileRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The most recent {@code keep} slices of one version's traffic, a new one begun after {@code
 * sliceSize} predictions (a count window) or after {@code sliceDuration} (a time window). Memory is
 * bounded by construction: {@code keep} slices of fixed bins and one count per label.
 */
final class SliceRing {

    private final ModelInput input;
    private final List<String> labels;
    private final int sliceSize;
    private final Duration sliceDuration;
    private final int keep;
    private final Deque<Open> slices = new ArrayDeque<>();

    private SliceRing(ModelInput input, List<String> labels, int sliceSize, Duration sliceDuration, int keep) {
        this.input = input;
        this.labels = List.copyOf(labels);
        this.sliceSize = sliceSize;
        this.sliceDuration = sliceDuration;
        this.keep = keep;
    }

    /** Slices of {@code size} predictions. */
    static SliceRing byCount(ModelInput input, List<String> labels, int size, int keep) {
        return new SliceRing(input, labels, size, null, keep);
    }

    /** Slices of {@code duration}. */
    static SliceRing byTime(ModelInput input, List<String> labels, Duration duration, int keep) {
        return new SliceRing(input, labels, 0, duration, keep);
    }

    /** The slice predictions at {@code now} are counted in. */
    synchronized Open current(Instant now) {
        Open last = slices.peekLast();
        boolean full = last == null
                || (sliceDuration == null
                        ? last.recorder.predictions() >= sliceSize
                        : !now.isBefore(last.start.plus(sliceDuration)));
        if (full) {
            last = new Open(now, new ProfileRecorder(input, labels));
            slices.addLast(last);
            while (slices.size() > keep) {
                slices.removeFirst();
            }
        }
        last.end = now;
        return last;
    }

    /** Every slice kept, oldest first. */
    synchronized List<Slice> slices() {
        return slices.stream()
                .map(open -> new Slice(open.start, open.end, open.recorder.snapshot("live")))
                .toList();
    }

    /** A slice being filled. */
    static final class Open {
        final Instant start;
        final ProfileRecorder recorder;
        volatile Instant end;

        Open(Instant start, ProfileRecorder recorder) {
            this.start = start;
            this.recorder = recorder;
            this.end = start;
        }
    }
}

package dev.orchard.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts predictions into a {@link PredictionProfile}. Thread-safe; the per-image work (mean and
 * spread of at most {@value #SAMPLES} sample values, one pass over the probabilities) runs outside
 * the lock, and once for a batch several recorders count ({@link #binned}).
 */
public final class ProfileRecorder implements PredictionObserver {

    static final int SAMPLES = 16_384;

    private final ModelInput input;
    private final List<String> labels;
    private final long[] labelCounts;
    private final long[][] bins;
    private long predictions;
    private long sources;

    public ProfileRecorder(ModelInput input, List<String> labels) {
        this.input = input;
        this.labels = List.copyOf(labels);
        this.labelCounts = new long[labels.size()];
        this.bins = new long[ProfileStatistic.values().length][];
        for (ProfileStatistic statistic : ProfileStatistic.values()) {
            bins[statistic.ordinal()] = new long[statistic.bins()];
        }
    }

    @Override
    public void observed(float[][] rows, float[][] probabilities) {
        add(binned(input, rows, probabilities));
    }

    /**
     * The bins a batch of predictions falls in: the per-image work, done once however many
     * recorders ({@link #add}) count the batch.
     */
    public static Binned binned(ModelInput input, float[][] rows, float[][] probabilities) {
        int n = Math.min(rows.length, probabilities.length);
        int[] best = new int[n];
        int[] confidence = new int[n];
        int[] brightness = new int[n];
        int[] contrast = new int[n];
        for (int i = 0; i < n; i++) {
            float[] p = probabilities[i];
            int top = 0;
            for (int j = 1; j < p.length; j++) {
                if (p[j] > p[top]) {
                    top = j;
                }
            }
            best[i] = top;
            confidence[i] = ProfileStatistic.CONFIDENCE.bin(p.length == 0 ? 0 : p[top]);
            double[] spread = meanAndDeviation(input, rows[i]);
            brightness[i] = ProfileStatistic.BRIGHTNESS.bin(spread[0]);
            contrast[i] = ProfileStatistic.CONTRAST.bin(spread[1]);
        }
        return new Binned(best, confidence, brightness, contrast);
    }

    /** Counts a batch {@link #binned} for this recorder's model input. */
    public synchronized void add(Binned batch) {
        for (int i = 0; i < batch.best.length; i++) {
            if (batch.best[i] < labelCounts.length) {
                labelCounts[batch.best[i]]++;
            }
            bins[ProfileStatistic.CONFIDENCE.ordinal()][batch.confidence[i]]++;
            bins[ProfileStatistic.BRIGHTNESS.ordinal()][batch.brightness[i]]++;
            bins[ProfileStatistic.CONTRAST.ordinal()][batch.contrast[i]]++;
        }
        predictions += batch.best.length;
    }

    /** Per prediction of a batch: the top label's index and the confidence, brightness and contrast bins. */
    public static final class Binned {
        private final int[] best;
        private final int[] confidence;
        private final int[] brightness;
        private final int[] contrast;

        private Binned(int[] best, int[] confidence, int[] brightness, int[] contrast) {
            this.best = best;
            this.confidence = confidence;
            this.brightness = brightness;
            this.contrast = contrast;
        }
    }

    @Override
    public void observedSource(long width, long height) {
        if (width < 1 || height < 1) {
            return;
        }
        int aspect = ProfileStatistic.ASPECT_RATIO.bin((double) width / height);
        int size = ProfileStatistic.SOURCE_SIZE.bin((double) width * height);
        synchronized (this) {
            bins[ProfileStatistic.ASPECT_RATIO.ordinal()][aspect]++;
            bins[ProfileStatistic.SOURCE_SIZE.ordinal()][size]++;
            sources++;
        }
    }

    /** Predictions counted so far. */
    public synchronized long predictions() {
        return predictions;
    }

    /** The counts so far, as a profile from {@code source}. */
    public synchronized PredictionProfile snapshot(String source) {
        Map<String, Long> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            byLabel.merge(labels.get(i), labelCounts[i], Long::sum);
        }
        Map<String, long[]> histograms = new LinkedHashMap<>();
        for (ProfileStatistic statistic : ProfileStatistic.values()) {
            if (statistic != ProfileStatistic.LABEL) {
                histograms.put(statistic.id(), bins[statistic.ordinal()].clone());
            }
        }
        return new PredictionProfile(source, predictions, sources, byLabel, histograms);
    }

    /**
     * Mean and standard deviation of a row's values as 8-bit samples, from at most {@value #SAMPLES}
     * of them. Both are taken of the floats and then mapped: the scaling is affine, so the samples'
     * mean is the mapped mean and their deviation the floats' times the scale. The loop is then
     * arithmetic only, cheap even before the JIT has compiled it (a fresh worker's first job).
     */
    static double[] meanAndDeviation(ModelInput input, float[] row) {
        if (row.length == 0) {
            return new double[] {0, 0};
        }
        int stride = Math.max(1, row.length / SAMPLES);
        double sum = 0;
        double squares = 0;
        int count = 0;
        for (int i = 0; i < row.length; i += stride) {
            double v = row[i];
            sum += v;
            squares += v * v;
            count++;
        }
        double mean = sum / count;
        double deviation = Math.sqrt(Math.max(0, squares / count - mean * mean));
        ModelInput.Scaling scaling = input.scaling();
        return new double[] {scaling.toSample(mean), deviation * (scaling.toSample(1) - scaling.toSample(0))};
    }
}

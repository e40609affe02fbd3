package dev.orchard.drift;

import dev.orchard.model.ProfileStatistic;
import java.time.Duration;

/**
 * A retrain spec's {@code trigger.drift}: retrain when {@code measure} of {@code statistic} in the
 * {@code window} is above {@code threshold} with at least {@code minSamples} samples behind it, at
 * most once per {@code coolDown} (across replicas).
 */
public record DriftTrigger(
        ProfileStatistic statistic,
        Measure measure,
        double threshold,
        WindowKind window,
        int minSamples,
        Duration coolDown) {

    public DriftTrigger {
        if (!(threshold > 0) || Double.isInfinite(threshold)) {
            throw new IllegalArgumentException("threshold must be a positive number, got " + threshold);
        }
        if (minSamples < 1) {
            throw new IllegalArgumentException("min-samples must be at least 1, got " + minSamples);
        }
        if (coolDown.isNegative()) {
            throw new IllegalArgumentException("cool-down must not be negative, got " + coolDown);
        }
    }

    /** How a live distribution is compared with the baseline. */
    public enum Measure {
        /** Population stability index. */
        PSI("psi"),
        /** Jensen–Shannon distance (base 2). */
        JS("js");

        private final String id;

        Measure(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Measure of(String id) {
            for (Measure m : values()) {
                if (m.id.equals(id)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("measure must be 'psi' or 'js', got '" + id + "'");
        }
    }

    /** Which sliding window: the last {@code orchard.drift.window-count} predictions, or the last {@code window-time}. */
    public enum WindowKind {
        COUNT("count"),
        TIME("time");

        private final String id;

        WindowKind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static WindowKind of(String id) {
            for (WindowKind w : values()) {
                if (w.id.equals(id)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("window must be 'count' or 'time', got '" + id + "'");
        }
    }
}

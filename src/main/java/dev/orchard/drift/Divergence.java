package dev.orchard.drift;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * How far one distribution of counts is from another, over the union of their bins. Empty bins get
 * {@value #EPSILON} of probability mass before the logarithms, so a bin seen only on one side costs
 * a large but finite amount.
 */
final class Divergence {

    static final double EPSILON = 1e-4;

    private Divergence() {}

    /**
     * Population stability index, {@code Σ (live − base) · ln(live / base)}: 0 for the same
     * distribution, about 0.1 for a small shift, 0.25 and above for a large one.
     */
    static double psi(Map<String, Long> baseline, Map<String, Long> live) {
        Set<String> bins = bins(baseline, live);
        double[] p = probabilities(baseline, bins);
        double[] q = probabilities(live, bins);
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += (q[i] - p[i]) * Math.log(q[i] / p[i]);
        }
        return sum;
    }

    /** Jensen–Shannon distance (the square root of the divergence, base 2): 0 the same, 1 disjoint. */
    static double jensenShannon(Map<String, Long> baseline, Map<String, Long> live) {
        Set<String> bins = bins(baseline, live);
        double[] p = probabilities(baseline, bins);
        double[] q = probabilities(live, bins);
        double divergence = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2;
            divergence += 0.5 * p[i] * log2(p[i] / m) + 0.5 * q[i] * log2(q[i] / m);
        }
        return Math.sqrt(Math.max(0, Math.min(1, divergence)));
    }

    private static Set<String> bins(Map<String, Long> a, Map<String, Long> b) {
        Set<String> bins = new LinkedHashSet<>(a.keySet());
        bins.addAll(b.keySet());
        return bins;
    }

    private static double[] probabilities(Map<String, Long> counts, Set<String> bins) {
        double total = 0;
        for (String bin : bins) {
            total += counts.getOrDefault(bin, 0L);
        }
        double[] p = new double[bins.size()];
        int i = 0;
        double sum = 0;
        for (String bin : bins) {
            p[i] = (total == 0 ? 0 : counts.getOrDefault(bin, 0L) / total) + EPSILON;
            sum += p[i++];
        }
        for (int j = 0; j < p.length; j++) {
            p[j] /= sum;
        }
        return p;
    }

    private static double log2(double x) {
        return Math.log(x) / Math.log(2);
    }
}

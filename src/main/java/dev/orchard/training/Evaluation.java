package dev.orchard.training;

import dev.orchard.registry.ModelManifest.ClassMetrics;
import dev.orchard.registry.ModelManifest.Metrics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Holdout metrics from actual and predicted label indexes. */
public final class Evaluation {

    private Evaluation() {}

    public static Metrics of(List<String> labels, int[] actual, int[] predicted) {
        int k = labels.size();
        int[][] confusion = new int[k][k];
        int correct = 0;
        for (int i = 0; i < actual.length; i++) {
            confusion[actual[i]][predicted[i]]++;
            correct += actual[i] == predicted[i] ? 1 : 0;
        }
        Map<String, ClassMetrics> perClass = new LinkedHashMap<>();
        double f1Sum = 0;
        for (int c = 0; c < k; c++) {
            int truePositive = confusion[c][c];
            int support = 0;
            int predictedAs = 0;
            for (int j = 0; j < k; j++) {
                support += confusion[c][j];
                predictedAs += confusion[j][c];
            }
            double precision = predictedAs == 0 ? 0 : (double) truePositive / predictedAs;
            double recall = support == 0 ? 0 : (double) truePositive / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perClass.put(labels.get(c), new ClassMetrics(round(precision), round(recall), round(f1), support));
            f1Sum += f1;
        }
        double accuracy = actual.length == 0 ? 0 : (double) correct / actual.length;
        return new Metrics(actual.length, round(accuracy), round(k == 0 ? 0 : f1Sum / k), perClass, confusion);
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}

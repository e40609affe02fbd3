package dev.orchard.drift;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last evaluated drift as gauges, per model, version, window and statistic: {@code
 * orchard_drift_psi}, {@code orchard_drift_js_distance}, {@code orchard_drift_samples}, and {@code
 * orchard_drift_drifted} (1 when a statistic of the model's champion crossed a threshold). A
 * statistic without a value (no baseline, no samples) reads NaN. Gauges of a version that is no
 * longer champion are removed.
 */
final class DriftMetrics {

    private final MeterRegistry meters;
    private final Map<String, Double> values = new ConcurrentHashMap<>();
    private final Map<String, Integer> versions = new ConcurrentHashMap<>();
    private final Map<String, List<Meter>> registered = new ConcurrentHashMap<>();

    DriftMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void update(DriftReport report) {
        Integer before = versions.put(report.model(), report.version());
        if (before != null && before != report.version()) {
            registered.getOrDefault(report.model(), List.of()).forEach(meters::remove);
            registered.remove(report.model());
        }
        String version = Integer.toString(report.version());
        set(report.model(), "orchard.drift.drifted", version, null, null, report.drifted() ? 1 : 0);
        for (DriftReport.Window window : report.windows()) {
            for (DriftReport.Statistic s : window.statistics()) {
                set(report.model(), "orchard.drift.psi", version, window.kind(), s.statistic(), value(s.psi()));
                set(
                        report.model(),
                        "orchard.drift.js.distance",
                        version,
                        window.kind(),
                        s.statistic(),
                        value(s.jsDistance()));
                set(report.model(), "orchard.drift.samples", version, window.kind(), s.statistic(), s.samples());
            }
        }
    }

    private void set(String model, String name, String version, String window, String statistic, double value) {
        String key = String.join("|", name, model, version, String.valueOf(window), String.valueOf(statistic));
        if (values.put(key, value) == null) {
            Gauge.Builder<Map<String, Double>> gauge = Gauge.builder(name, values, v -> v.getOrDefault(key, Double.NaN))
                    .tags("model", model, "version", version);
            if (window != null) {
                gauge.tags("window", window, "statistic", statistic);
            }
            registered
                    .computeIfAbsent(model, m -> new java.util.concurrent.CopyOnWriteArrayList<>())
                    .add(gauge.description(description(name)).register(meters));
        }
    }

    private static String description(String name) {
        return switch (name) {
            case "orchard.drift.psi" -> "population stability index of a statistic against the champion's baseline";
            case "orchard.drift.js.distance" ->
                "Jensen-Shannon distance of a statistic against the champion's baseline";
            case "orchard.drift.samples" -> "samples behind a statistic in a drift window";
            default -> "1 when a statistic of the champion crossed its drift threshold";
        };
    }

    private static double value(Double value) {
        return value == null ? Double.NaN : value;
    }

    /** For tests: the names of the gauges registered for {@code model}. */
    List<String> names(String model) {
        List<String> names = new ArrayList<>();
        registered
                .getOrDefault(model, List.of())
                .forEach(m -> names.add(m.getId().getName()));
        return names;
    }
}

package dev.orchard.drift;

import dev.orchard.model.PredictionProfile;
import dev.orchard.model.ProfileStatistic;
import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelNames;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelRegistry;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Compares a champion's live windows (this worker's slices and every other worker's published ones)
 * with its baseline. Each statistic gets its population stability index and Jensen–Shannon distance
 * beside the number of samples behind them; below {@code orchard.drift.min-samples} there is no
 * verdict.
 */
public final class DriftReports {

    private final ModelRegistry registry;
    private final LiveProfiles live;
    private final DriftExchange exchange;
    private final DriftClaims claims;
    private final DriftProperties properties;
    private final Clock clock;

    DriftReports(
            ModelRegistry registry,
            LiveProfiles live,
            DriftExchange exchange,
            DriftClaims claims,
            DriftProperties properties,
            Clock clock) {
        this.registry = registry;
        this.live = live;
        this.exchange = exchange;
        this.claims = claims;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * The drift of {@code model}'s champion.
     *
     * @throws ModelNotFoundException if the model has no champion
     */
    public DriftReport report(String model) {
        ModelNames.requireValid(model);
        int version = registry.champion(model)
                .map(Alias::version)
                .orElseThrow(() -> new ModelNotFoundException("model '" + model + "' has no champion"));
        ModelManifest manifest = registry.manifest(model, version)
                .orElseThrow(() -> new ModelNotFoundException("model '" + model + "' v" + version + " is missing"));
        Optional<PredictionProfile> baseline = baseline(manifest);
        List<Slice> countSlices = new ArrayList<>();
        List<Slice> timeSlices = new ArrayList<>();
        int workers = 0;
        Optional<LiveWindow> mine = live.window(model, version);
        if (mine.isPresent()) {
            countSlices.addAll(mine.get().countSlices());
            timeSlices.addAll(mine.get().timeSlices());
            workers++;
        }
        for (DriftExchange.Published other : exchange.others(model, version)) {
            countSlices.addAll(other.count());
            timeSlices.addAll(other.time());
            workers++;
        }
        PredictionProfile empty = PredictionProfile.empty("live", manifest.labels());
        List<DriftReport.Window> windows = List.of(
                window(
                        "count",
                        properties.windowCount() + " predictions",
                        newest(countSlices),
                        workers,
                        baseline,
                        empty),
                window("time", properties.windowTime().toString(), recent(timeSlices), workers, baseline, empty));
        boolean drifted = windows.stream().flatMap(w -> w.statistics().stream()).anyMatch(s -> s.verdict()
                .equals("drifted"));
        return new DriftReport(
                model,
                version,
                baseline.map(b -> new DriftReport.Baseline(b.source(), b.predictions(), b.sources()))
                        .orElse(null),
                windows,
                new DriftReport.Thresholds(
                        properties.psiThreshold(), properties.jsThreshold(), properties.minSamples()),
                drifted,
                claims.last(model).orElse(null),
                note(baseline, drifted));
    }

    /**
     * Why {@code trigger} fires on {@code report} ({@code drift: psi(label)=0.31 over 2,000
     * predictions}), or empty when it does not.
     */
    public static Optional<String> crossing(DriftReport report, DriftTrigger trigger) {
        return report.windows().stream()
                .filter(w -> w.kind().equals(trigger.window().id()))
                .findFirst()
                .flatMap(w -> w.statistic(trigger.statistic().id()))
                .filter(s -> s.samples() >= trigger.minSamples())
                .flatMap(s -> Optional.ofNullable(
                                trigger.measure() == DriftTrigger.Measure.PSI ? s.psi() : s.jsDistance())
                        .filter(value -> value > trigger.threshold())
                        .map(value -> String.format(
                                Locale.ROOT,
                                "drift: %s(%s)=%.2f over %,d predictions (%s window, threshold %s)",
                                trigger.measure().id(),
                                s.statistic(),
                                value,
                                s.samples(),
                                trigger.window().id(),
                                trigger.threshold())));
    }

    /** The version's baseline: from its holdout, else its first predictions once counted. */
    Optional<PredictionProfile> baseline(ModelManifest manifest) {
        if (manifest.metrics() != null && manifest.metrics().baseline() != null) {
            return Optional.of(manifest.metrics().baseline());
        }
        return exchange.baseline(manifest.name(), manifest.version());
    }

    private List<Slice> newest(List<Slice> slices) {
        List<Slice> sorted = new ArrayList<>(slices);
        sorted.sort(Comparator.comparing(Slice::end).reversed());
        List<Slice> window = new ArrayList<>();
        long predictions = 0;
        for (Slice slice : sorted) {
            if (predictions >= properties.windowCount()) {
                break;
            }
            window.add(slice);
            predictions += slice.profile().predictions();
        }
        return window;
    }

    private List<Slice> recent(List<Slice> slices) {
        Instant from = clock.instant().minus(properties.windowTime());
        return slices.stream().filter(s -> s.end().isAfter(from)).toList();
    }

    private DriftReport.Window window(
            String kind,
            String size,
            List<Slice> slices,
            int workers,
            Optional<PredictionProfile> baseline,
            PredictionProfile empty) {
        PredictionProfile merged = empty;
        Instant from = null;
        Instant to = null;
        for (Slice slice : slices) {
            merged = merged.plus(slice.profile(), "live");
            from = from == null || slice.start().isBefore(from) ? slice.start() : from;
            to = to == null || slice.end().isAfter(to) ? slice.end() : to;
        }
        List<DriftReport.Statistic> statistics = new ArrayList<>();
        for (ProfileStatistic statistic : ProfileStatistic.values()) {
            statistics.add(statistic(statistic, merged, baseline));
        }
        return new DriftReport.Window(kind, size, merged.predictions(), from, to, workers, statistics);
    }

    private DriftReport.Statistic statistic(
            ProfileStatistic statistic, PredictionProfile live, Optional<PredictionProfile> baseline) {
        long samples = live.samples(statistic);
        if (baseline.isEmpty()) {
            return new DriftReport.Statistic(
                    statistic.id(), samples, 0, null, null, "no-baseline", null, live.distribution(statistic));
        }
        PredictionProfile base = baseline.get();
        long baseSamples = base.samples(statistic);
        Double psi = null;
        Double js = null;
        if (samples > 0 && baseSamples > 0) {
            psi = round(Divergence.psi(base.distribution(statistic), live.distribution(statistic)));
            js = round(Divergence.jensenShannon(base.distribution(statistic), live.distribution(statistic)));
        }
        String verdict = samples < properties.minSamples() || baseSamples == 0
                ? "too-few-samples"
                : psi > properties.psiThreshold() || js > properties.jsThreshold() ? "drifted" : "stable";
        return new DriftReport.Statistic(
                statistic.id(),
                samples,
                baseSamples,
                psi,
                js,
                verdict,
                base.distribution(statistic),
                live.distribution(statistic));
    }

    private String note(Optional<PredictionProfile> baseline, boolean drifted) {
        if (!properties.enabled()) {
            return "drift is not counted on this worker (orchard.drift.enabled=false)";
        }
        if (baseline.isEmpty()) {
            return "no baseline yet: this version's manifest has none (brought in without a holdout, or"
                    + " registered before baselines were recorded); its stored holdout scored again, else its first "
                    + properties.firstPredictions() + " predictions, become its baseline";
        }
        return drifted
                ? "live traffic differs from the baseline; a retrain spec's trigger.drift retrains only when"
                        + " there is new labelled data (drift without new labelled data is reported, not retrained on)"
                : null;
    }

    private static double round(double value) {
        return Math.round(value * 10_000) / 10_000.0;
    }
}

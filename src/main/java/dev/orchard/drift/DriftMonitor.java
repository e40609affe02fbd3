package dev.orchard.drift;

import dev.orchard.model.PredictionProfile;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.system.PeriodicTasks;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;

/**
 * Every {@code orchard.drift.publish-interval}: publishes this worker's windows, gives a version
 * without a baseline in its manifest one (its stored holdout scored again, else its first
 * predictions once enough were counted), and evaluates the drift of every model this worker served for the metrics.
 */
final class DriftMonitor {

    private static final Logger log = LoggerFactory.getLogger(DriftMonitor.class);

    private final LiveProfiles live;
    private final DriftExchange exchange;
    private final DriftReports reports;
    private final DriftMetrics metrics;
    private final ModelRegistry registry;
    private final PeriodicTasks tasks;
    private final DriftProperties properties;
    private final Map<LiveWindow, Instant> published = Collections.synchronizedMap(new WeakHashMap<>());
    private final Set<String> holdoutTried = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Set<String> settled = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final HoldoutBaselines holdouts;

    DriftMonitor(
            LiveProfiles live,
            DriftExchange exchange,
            DriftReports reports,
            DriftMetrics metrics,
            ModelRegistry registry,
            PeriodicTasks tasks,
            DriftProperties properties,
            HoldoutBaselines holdouts) {
        this.holdouts = holdouts;
        this.live = live;
        this.exchange = exchange;
        this.reports = reports;
        this.metrics = metrics;
        this.registry = registry;
        this.tasks = tasks;
        this.properties = properties;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (properties.enabled()) {
            tasks.every("publishing drift windows", properties.publishInterval(), this::run);
        }
    }

    /** One round: publish, settle baselines, evaluate. */
    void run() {
        Set<String> models = new TreeSet<>();
        for (LiveWindow window : live.all()) {
            try {
                Instant observed = window.lastObserved();
                if (!observed.equals(published.put(window, observed))) {
                    exchange.publish(window); // nothing new since the last round: nothing to write
                }
                settleBaseline(window);
                models.add(window.model());
            } catch (RuntimeException e) {
                log.warn("drift: cannot publish {} v{}: {}", window.model(), window.version(), e.toString());
            }
        }
        for (String model : models) {
            try {
                metrics.update(reports.report(model));
            } catch (ModelNotFoundException e) {
                log.debug("drift: {}", e.getMessage());
            } catch (RuntimeException e) {
                log.warn("drift: cannot evaluate {}: {}", model, e.toString());
            }
        }
    }

    /**
     * A version without a baseline in its manifest gets one: its holdout scored again when it has a
     * stored one (tried once per version on this worker), else its first predictions once counted.
     */
    private void settleBaseline(LiveWindow window) {
        String key = window.model() + "@" + window.version();
        if (settled.contains(key)) {
            return; // a version's baseline never changes once it has one: no more reads for it
        }
        Optional<ModelManifest> missing = registry.manifest(window.model(), window.version())
                .filter(m -> m.metrics() == null || m.metrics().baseline() == null)
                .filter(m -> exchange.baseline(m.name(), m.version()).isEmpty());
        if (missing.isEmpty()) {
            settled.add(key);
            return;
        }
        ModelManifest manifest = missing.get();
        if (holdoutTried.add(key)) {
            Optional<PredictionProfile> holdout = holdouts.of(manifest);
            if (holdout.isPresent()) {
                exchange.writeBaseline(manifest.name(), manifest.version(), holdout.get());
                settled.add(key);
                return;
            }
        }
        Optional<PredictionProfile> first = window.firstPredictions();
        if (first.isPresent()) {
            exchange.writeBaseline(manifest.name(), manifest.version(), first.get());
            settled.add(key);
        }
    }
}

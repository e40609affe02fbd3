package dev.orchard.drift;

import dev.orchard.model.ModelInput;
import dev.orchard.model.PredictionObserver;
import dev.orchard.model.PredictionObservers;
import java.time.Clock;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This worker's live windows, one per registered version it has loaded (the registry's loader asks
 * for an observer per version, so uploads, prefix jobs and HTTP all count). At most {@value
 * #MAX_VERSIONS} versions are kept (only champions are reported; a worker serves a few versions at
 * a time); the one observed least recently makes room. Each holds its slices' counts: 8 bytes per
 * label and a few hundred per slice — about 0.6 MB for a 1,000-label model with the default windows.
 */
public final class LiveProfiles implements PredictionObservers {

    static final int MAX_VERSIONS = 16;

    private final DriftProperties properties;
    private final Clock clock;
    private final Map<String, LiveWindow> windows = new ConcurrentHashMap<>();

    public LiveProfiles(DriftProperties properties, Clock clock) {
        this.properties = properties;
        this.clock = clock;
    }

    @Override
    public PredictionObserver observer(String model, int version, ModelInput input, List<String> labels) {
        if (!properties.enabled()) {
            return PredictionObserver.NONE;
        }
        LiveWindow window = windows.computeIfAbsent(
                key(model, version), k -> new LiveWindow(model, version, input, labels, properties, clock));
        while (windows.size() > MAX_VERSIONS) {
            windows.values().stream()
                    .filter(w -> w != window)
                    .min(Comparator.comparing(LiveWindow::lastObserved))
                    .ifPresent(oldest -> windows.remove(key(oldest.model(), oldest.version()), oldest));
        }
        return window;
    }

    Optional<LiveWindow> window(String model, int version) {
        return Optional.ofNullable(windows.get(key(model, version)));
    }

    Collection<LiveWindow> all() {
        return List.copyOf(windows.values());
    }

    private static String key(String model, int version) {
        return model + "@" + version;
    }
}

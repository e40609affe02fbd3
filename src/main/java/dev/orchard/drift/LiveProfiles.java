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

    /**
     * Counts into the version's window, found on every call: a window made room for (evicted) while
     * the version is still loaded is made again by its next prediction, not left counting unseen.
     */
    @Override
    public PredictionObserver observer(String model, int version, ModelInput input, List<String> labels) {
        if (!properties.enabled()) {
            return PredictionObserver.NONE;
        }
        windowFor(model, version, input, labels);
        return new PredictionObserver() {
            @Override
            public void observed(float[][] rows, float[][] probabilities) {
                windowFor(model, version, input, labels).observed(rows, probabilities);
            }

            @Override
            public void observedSource(long width, long height) {
                windowFor(model, version, input, labels).observedSource(width, height);
            }
        };
    }

    private LiveWindow windowFor(String model, int version, ModelInput input, List<String> labels) {
        LiveWindow window = windows.get(key(model, version));
        if (window != null) {
            return window;
        }
        LiveWindow made = windows.computeIfAbsent(
                key(model, version), k -> new LiveWindow(model, version, input, labels, properties, clock));
        while (windows.size() > MAX_VERSIONS) {
            windows.values().stream()
                    .filter(w -> w != made)
                    .min(Comparator.comparing(LiveWindow::lastObserved))
                    .ifPresent(oldest -> windows.remove(key(oldest.model(), oldest.version()), oldest));
        }
        return made;
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

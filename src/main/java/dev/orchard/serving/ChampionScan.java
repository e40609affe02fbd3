package dev.orchard.serving;

import dev.orchard.model.TensorFlowRuntime;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models that have a champion in the registry as the worker starts, read on a background
 * thread from the first moment of the context refresh ({@link ServingConfiguration}'s {@code
 * championScanFirst}), while Spring builds the rest of the worker. When a champion is a
 * TensorFlow SavedModel the same thread then loads TensorFlow's native runtime ({@link
 * TensorFlowRuntime}: most of a second of linking and op registration), so that overlaps Spring's
 * start instead of waiting at the head of the champion's load. {@link ChampionPreload} loads the
 * champions it found; a worker whose champions are all Tribuo models never loads TensorFlow here.
 */
final class ChampionScan {

    private static final Logger log = LoggerFactory.getLogger(ChampionScan.class);

    private final CompletableFuture<Set<String>> models = new CompletableFuture<>();
    private final Thread thread;

    ChampionScan(ModelRegistry registry) {
        this(registry, TensorFlowRuntime::load);
    }

    /** {@code tensorFlowRuntime} loads TensorFlow's runtime (tests count its calls). */
    ChampionScan(ModelRegistry registry, Runnable tensorFlowRuntime) {
        loadAwtFirst();
        thread = new Thread(() -> scan(registry, tensorFlowRuntime), "champion-scan");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Loads the JDK's AWT library (ImageIO's, which the image decoder needs as it is built) before the
     * scan thread can begin TensorFlow's runtime: a native library load waits while another thread's
     * runs (the dynamic loader's lock), and TensorFlow's, 630 MB with its op registrations, kept the
     * main thread's first ImageIO use waiting 1–3 s on two cores. AWT's own load takes milliseconds.
     */
    private static void loadAwtFirst() {
        try {
            Class.forName("java.awt.Toolkit", true, ChampionScan.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            log.debug("AWT's library not loaded ahead of TensorFlow's: {}", e.toString());
        }
    }

    /**
     * The models with a champion when the worker started; waits for the scan. Empty when the
     * registry could not be listed (logged once, here).
     */
    Set<String> models() {
        return models.join();
    }

    /** Waits up to {@code timeout} for the scan and the runtime's load; whether both are done. */
    boolean awaitDone(java.time.Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        return !thread.isAlive();
    }

    private void scan(ModelRegistry registry, Runnable tensorFlowRuntime) {
        Map<String, Integer> champions = new TreeMap<>();
        try {
            for (String model : registry.models()) {
                registry.champion(model).ifPresent(alias -> champions.put(model, alias.version()));
            }
        } catch (RuntimeException e) {
            log.warn(
                    "could not list the registry's models at start: {}; loading the job specs' models", e.getMessage());
        } finally {
            models.complete(Set.copyOf(champions.keySet()));
        }
        List<String> savedModels = new ArrayList<>();
        champions.forEach((model, version) -> {
            if (kind(registry, model, version) == ModelManifest.Kind.TENSORFLOW) {
                savedModels.add(model);
            }
        });
        if (savedModels.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        try {
            tensorFlowRuntime.run();
            log.info(
                    "TensorFlow runtime loaded during start-up in {} ms (SavedModel champions: {})",
                    (System.nanoTime() - started) / 1_000_000,
                    String.join(", ", savedModels));
        } catch (RuntimeException | LinkageError e) {
            // the champions' own loads try again and report it where it counts (readiness, the model's status)
            log.warn("could not load TensorFlow's runtime during start-up: {}", e.toString());
        }
    }

    /** The champion's kind; null when its manifest cannot be read (its load reports that). */
    private static ModelManifest.Kind kind(ModelRegistry registry, String model, int version) {
        try {
            return registry.manifest(model, version).map(ModelManifest::kind).orElse(null);
        } catch (RuntimeException e) {
            return null;
        }
    }
}

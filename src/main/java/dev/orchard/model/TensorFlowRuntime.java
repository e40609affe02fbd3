package dev.orchard.model;

import org.tensorflow.TensorFlow;

/**
 * TensorFlow's native runtime, loaded once per JVM: a 630 MB library whose dynamic linking and op
 * registration take most of a second. Orchard's TensorFlow code calls {@link #load()} before it
 * touches TensorFlow, so one thread loads the runtime while any other waits here, instead of two
 * threads initialising TensorFlow's native classes at once ({@code ChampionScan} loads it early, at
 * start, while a champion's load may already want it).
 */
public final class TensorFlowRuntime {

    private static final Object LOCK = new Object();
    private static boolean loaded; // guarded by LOCK

    private TensorFlowRuntime() {}

    /**
     * Loads the runtime unless it is loaded; waits while another thread loads it.
     *
     * @throws LinkageError when the natives cannot be loaded (the next call tries again)
     */
    public static void load() {
        synchronized (LOCK) {
            if (!loaded) {
                TensorFlow.version();
                loaded = true;
            }
        }
    }
}

package dev.orchard.uploads;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Windows handed from the dispatcher to the job that scores them, by window id. A window lives only
 * in the worker that formed it: if that worker dies, its uploads were never acknowledged (Pub/Sub
 * redelivers them, the directory watcher rescans them) and the ledger lets another worker take them.
 */
public final class UploadWindows {

    private final Map<String, UploadWindow> windows = new ConcurrentHashMap<>();

    void register(UploadWindow window) {
        windows.put(window.id(), window);
    }

    public Optional<UploadWindow> get(String id) {
        return Optional.ofNullable(windows.get(id));
    }

    void remove(String id) {
        windows.remove(id);
    }
}

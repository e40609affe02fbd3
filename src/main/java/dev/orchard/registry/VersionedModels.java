package dev.orchard.registry;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Loaded models pinned to an explicit version ({@code /v1/models/fruit/versions/3:predict}, a prefix
 * job's plan), kept in a small least-recently-used cache; the version the worker serves as champion
 * is leased from {@link ChampionModels}, loaded and warmed once, not loaded a second time. An
 * evicted model is retired and closed when its last lease closes, so eviction never breaks a
 * request in flight.
 *
 * <p>Bounded for anonymous traffic: a version is loaded outside any lock shared with requests for
 * other versions (concurrent requests for the one version wait for the one load), at most {@code
 * capacity} loads run at once (others wait briefly, then get {@link ModelUnavailableException}), and
 * "no such version" or a failed load is remembered in a bounded {@link NegativeCache} ({@code
 * notFoundTtl}, {@link #FAILED_LOAD_TTL}) instead of costing a storage read or a load on every call.
 */
public final class VersionedModels implements AutoCloseable {

    /** How long a version that failed to load is answered 503 from memory before it is tried again. */
    static final Duration FAILED_LOAD_TTL = Duration.ofSeconds(30);

    private static final long LOAD_WAIT_SECONDS = 60;

    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final ChampionModels champions;
    private final int capacity;
    private final Duration notFoundTtl;
    private final Map<String, LoadedModel> loaded = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, CompletableFuture<LoadedModel>> loading = new ConcurrentHashMap<>();
    private final Semaphore loads;
    private final NegativeCache misses;

    public VersionedModels(ModelRegistry registry, ModelLoader loader, int capacity) {
        this(registry, loader, capacity, Duration.ofSeconds(2), Clock.systemUTC());
    }

    public VersionedModels(
            ModelRegistry registry, ModelLoader loader, int capacity, Duration notFoundTtl, Clock clock) {
        this(registry, loader, null, capacity, notFoundTtl, clock);
    }

    /**
     * @param champions the champions this worker serves: a version that is one of them, loaded, is
     *     leased from there (null: every version is loaded here)
     */
    public VersionedModels(
            ModelRegistry registry,
            ModelLoader loader,
            ChampionModels champions,
            int capacity,
            Duration notFoundTtl,
            Clock clock) {
        this.registry = registry;
        this.loader = loader;
        this.champions = champions;
        this.capacity = capacity;
        this.notFoundTtl = notFoundTtl;
        this.loads = new Semaphore(capacity);
        this.misses = new NegativeCache(clock, 1024);
    }

    /**
     * A lease on {@code name} version {@code version}; close it when done.
     *
     * @throws ModelNotFoundException if there is no such version
     * @throws ModelUnavailableException if it cannot be loaded, or too many versions are loading
     */
    public LoadedModel.Lease lease(String name, int version) {
        if (!ModelNames.isValid(name) || version < 1) {
            throw new ModelNotFoundException("no model named '" + name + "' with version " + version);
        }
        if (champions != null) {
            Optional<LoadedModel.Lease> champion = champions.leaseIfServing(name, version);
            if (champion.isPresent()) {
                return champion.get();
            }
        }
        String key = name + "@" + version;
        for (int attempt = 0; attempt < 10; attempt++) {
            LoadedModel.Lease lease = leaseLoaded(key);
            if (lease != null) {
                return lease;
            }
            misses.rethrow(key);
            CompletableFuture<LoadedModel> mine = new CompletableFuture<>();
            CompletableFuture<LoadedModel> theirs = loading.putIfAbsent(key, mine);
            if (theirs != null) {
                await(theirs, key);
                continue;
            }
            try {
                LoadedModel model = load(name, version, key);
                mine.complete(model);
            } catch (RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            } finally {
                loading.remove(key, mine);
            }
        }
        throw new ModelUnavailableException("model '" + name + "' version " + version + " keeps being evicted");
    }

    private synchronized LoadedModel.Lease leaseLoaded(String key) {
        LoadedModel model = loaded.get(key);
        return model == null ? null : model.lease();
    }

    private LoadedModel load(String name, int version, String key) {
        try {
            if (!loads.tryAcquire(LOAD_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new ModelUnavailableException("too many model versions are loading; retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelUnavailableException("interrupted while waiting to load " + key);
        }
        try {
            ModelManifest manifest = registry.manifest(name, version).orElseThrow(() -> {
                ModelNotFoundException none =
                        new ModelNotFoundException("model '" + name + "' has no version " + version);
                misses.remember(key, none, notFoundTtl);
                return none;
            });
            LoadedModel model;
            try {
                model = loader.load(manifest);
            } catch (RuntimeException e) {
                ModelUnavailableException failed = new ModelUnavailableException(
                        "model '" + name + "' version " + version + " cannot be loaded: " + e.getMessage());
                misses.remember(key, failed, FAILED_LOAD_TTL);
                throw failed;
            }
            synchronized (this) {
                loaded.put(key, model);
                evictBeyondCapacity();
            }
            return model;
        } finally {
            loads.release();
        }
    }

    private static void await(CompletableFuture<LoadedModel> load, String key) {
        try {
            load.get(LOAD_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new ModelUnavailableException(key + " cannot be loaded: " + e.getCause());
        } catch (TimeoutException e) {
            throw new ModelUnavailableException(key + " is still loading; retry shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelUnavailableException("interrupted while waiting for " + key);
        }
    }

    private void evictBeyondCapacity() {
        var eldest = loaded.entrySet().iterator();
        while (loaded.size() > capacity && eldest.hasNext()) {
            eldest.next().getValue().retire();
            eldest.remove();
        }
    }

    @Override
    public synchronized void close() {
        loaded.values().forEach(LoadedModel::retire);
        loaded.clear();
    }
}

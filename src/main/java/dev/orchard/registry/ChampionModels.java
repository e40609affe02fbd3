package dev.orchard.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loaded champion of each model, shared by serving and scoring.
 *
 * <p>{@link #lease(String)} returns the current champion; at most every {@code refreshInterval} it
 * checks the alias object's generation (a metadata call) and, if it moved, loads and verifies the
 * new version <em>before</em> swapping it in. Requests keep using the old model while the new one
 * loads; the old one is closed when its last lease is closed. A version that fails to load (for
 * example a tampered artifact) is logged and the old champion stays, and is not tried again until
 * the alias moves.
 *
 * <p>Names without a champion hold no state here: "no champion" is remembered for one {@code
 * refreshInterval} in a bounded {@link NegativeCache}, so requests for made-up names neither grow
 * memory nor read storage on every call.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
        value = "CRLF_INJECTION_LOGS",
        justification = "only validated model names (ModelNames: [a-z0-9-]) and numbers reach these log lines")
public final class ChampionModels implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ChampionModels.class);

    private final ModelRegistry registry;
    private final ModelLoader loader;
    private final Duration refreshInterval;
    private final Clock clock;
    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final NegativeCache noChampion;

    private final io.micrometer.core.instrument.MeterRegistry meters;

    public ChampionModels(ModelRegistry registry, ModelLoader loader, Duration refreshInterval, Clock clock) {
        this(registry, loader, refreshInterval, clock, null);
    }

    /**
     * With {@code meters}, each served model gets a gauge {@code orchard.model.champion.version}
     * holding the version this worker serves.
     */
    public ChampionModels(
            ModelRegistry registry,
            ModelLoader loader,
            Duration refreshInterval,
            Clock clock,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.registry = registry;
        this.loader = loader;
        this.refreshInterval = refreshInterval;
        this.clock = clock;
        this.meters = meters;
        this.noChampion = new NegativeCache(clock, 1024);
    }

    /**
     * A lease on {@code name}'s champion; close it when done.
     *
     * @throws ModelNotFoundException if the model has no champion
     * @throws ModelUnavailableException if the champion exists but cannot be loaded
     */
    public LoadedModel.Lease lease(String name) {
        if (!ModelNames.isValid(name)) {
            throw new ModelNotFoundException("no model named '" + name + "'");
        }
        if (!slots.containsKey(name)) {
            noChampion.rethrow(name);
        }
        Slot slot = slots.computeIfAbsent(name, n -> new Slot());
        for (int attempt = 0; attempt < 10; attempt++) {
            refreshIfDue(name, slot);
            LoadedModel model = slot.model;
            if (model == null) {
                if (slot.failure != null) {
                    throw new ModelUnavailableException(
                            "champion of model " + name + " cannot be loaded: " + slot.failure);
                }
                ModelNotFoundException none = new ModelNotFoundException("model '" + name + "' has no champion");
                noChampion.remember(name, none, refreshInterval);
                forgetEmpty(name, slot);
                throw none;
            }
            LoadedModel.Lease lease = model.lease();
            if (lease != null) {
                return lease;
            }
            // swapped and closed between the read and the lease: take the new one
        }
        throw new ModelUnavailableException("champion of model " + name + " keeps changing");
    }

    /**
     * A lease on {@code name}'s loaded champion if that is {@code version}; never checks the alias or
     * loads anything. {@link VersionedModels} asks here first, so a job or request pinned to the
     * champion's version uses the loaded, warmed champion instead of a second copy.
     */
    Optional<LoadedModel.Lease> leaseIfServing(String name, int version) {
        Slot slot = slots.get(name);
        LoadedModel model = slot == null ? null : slot.model;
        if (model == null || model.manifest().version() != version) {
            return Optional.empty();
        }
        return Optional.ofNullable(model.lease()); // null: swapped and retired meanwhile
    }

    /** Drops a slot that holds no model and no failure, under its lock, so no load can race into it. */
    private void forgetEmpty(String name, Slot slot) {
        slot.lock.lock();
        try {
            if (slot.model == null && slot.failure == null) {
                slots.remove(name, slot);
            }
        } finally {
            slot.lock.unlock();
        }
    }

    /** How many models this worker holds state for (loaded, or failing to load). */
    int servedModels() {
        return slots.size();
    }

    /** The manifest of the loaded champion, if one is loaded (never triggers a load). */
    public Optional<ModelManifest> loaded(String name) {
        Slot slot = slots.get(name);
        return slot == null || slot.model == null ? Optional.empty() : Optional.of(slot.model.manifest());
    }

    /** Why the newest champion of {@code name} could not be loaded, if its last load failed. */
    public Optional<String> loadFailure(String name) {
        Slot slot = slots.get(name);
        return slot == null ? Optional.empty() : Optional.ofNullable(slot.failure);
    }

    /** Checks the alias now, loading a new champion if it moved. */
    public void refresh(String name) {
        noChampion.forget(name);
        Slot slot = slots.computeIfAbsent(name, n -> new Slot());
        slot.checkedAt = Instant.EPOCH;
        refreshIfDue(name, slot);
    }

    private void refreshIfDue(String name, Slot slot) {
        Instant now = clock.instant();
        if (slot.model != null && slot.checkedAt.plus(refreshInterval).isAfter(now)) {
            return;
        }
        // With a model in hand, never wait for another thread's load; without one, wait for it.
        if (slot.model != null) {
            if (!slot.lock.tryLock()) {
                return;
            }
        } else {
            slot.lock.lock();
        }
        try {
            if (slot.model != null && slot.checkedAt.plus(refreshInterval).isAfter(now)) {
                return;
            }
            if (slots.get(name) != slot) {
                return; // dropped as empty meanwhile; the next lease starts afresh
            }
            OptionalLong generation = registry.championGeneration(name);
            slot.checkedAt = now;
            if (generation.isEmpty()
                    || generation.getAsLong() == slot.aliasGeneration
                    || generation.getAsLong() == slot.failedGeneration) {
                return;
            }
            swap(name, slot, generation.getAsLong());
        } finally {
            slot.lock.unlock();
        }
    }

    private void swap(String name, Slot slot, long generation) {
        try {
            Alias alias = registry.champion(name).orElseThrow();
            ModelManifest manifest = registry.manifest(name, alias.version())
                    .orElseThrow(() -> new ModelNotFoundException(
                            "champion of " + name + " points at missing version " + alias.version()));
            LoadedModel loaded = loader.load(manifest);
            warm(name, loaded);
            LoadedModel old = slot.model;
            slot.model = loaded;
            slot.aliasGeneration = alias.generation();
            slot.failure = null;
            slot.failedGeneration = Long.MIN_VALUE;
            if (old != null) {
                old.retire();
            }
            if (meters != null) {
                io.micrometer.core.instrument.Gauge.builder(
                                "orchard.model.champion.version",
                                slot,
                                s -> s.model == null
                                        ? Double.NaN
                                        : s.model.manifest().version())
                        .description("the champion version this worker serves")
                        .tag("model", name)
                        .register(meters);
            }
            log.info(
                    "model {}: serving version {} ({}, {} labels)",
                    name,
                    manifest.version(),
                    manifest.kind().name().toLowerCase(java.util.Locale.ROOT),
                    manifest.labels().size());
        } catch (RuntimeException e) {
            slot.failure = e.getMessage();
            slot.failedGeneration = generation;
            log.error(
                    "model {}: cannot load the new champion; {}",
                    name,
                    slot.model == null
                            ? "no model is served"
                            : "keeping version " + slot.model.manifest().version(),
                    e);
        }
    }

    /**
     * Runs the new champion once on a blank image before it serves (or readiness counts it): a
     * TensorFlow session's first run builds its kernels, which should not be a caller's wait.
     */
    private static void warm(String name, LoadedModel loaded) {
        long started = System.nanoTime();
        try (LoadedModel.Lease lease = loaded.lease()) {
            lease.classifier()
                    .unobserved() // a blank image is not traffic
                    .classify(
                            new float[][] {new float[lease.classifier().input().size()]}, 1);
            log.debug("model {}: warmed in {} ms", name, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            log.warn("model {}: the warm-up run on a blank image failed ({}); serving it anyway", name, e.getMessage());
        }
    }

    @Override
    public void close() {
        slots.values().forEach(slot -> {
            if (slot.model != null) {
                slot.model.retire();
                slot.model = null;
            }
        });
    }

    private static final class Slot {
        final ReentrantLock lock = new ReentrantLock();
        volatile LoadedModel model;
        volatile long aliasGeneration = Long.MIN_VALUE;
        volatile Instant checkedAt = Instant.EPOCH;
        volatile String failure;
        volatile long failedGeneration = Long.MIN_VALUE;
    }
}

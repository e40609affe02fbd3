package dev.orchard.drift;

import dev.orchard.model.PredictionProfile;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.storage.StoredObject;
import dev.orchard.storage.WritePrecondition;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drift state shared through the models bucket, with no server of its own:
 *
 * <ul>
 *   <li>{@code models/<name>/drift/v<n>/workers/<worker>.json}: one worker's slices of that version,
 *       rewritten every {@code publish-interval}; files older than {@code stale-after} are not read
 *       and are deleted by whoever lists them. At most {@value #MAX_WORKERS} files (the newest) are
 *       read per version, and each read is cached for half a publish interval, so the drift route
 *       costs no more storage reads however often it is called.
 *   <li>{@code models/<name>/drift/v<n>/baseline.json}: the baseline of a version whose manifest has
 *       none — its stored holdout scored again, or its first predictions — written once
 *       (create-only: the first replica to write it sets it for all).
 * </ul>
 */
final class DriftExchange {

    private static final Logger log = LoggerFactory.getLogger(DriftExchange.class);
    static final int MAX_WORKERS = 32;

    private final BlobStore store;
    private final String bucket;
    private final String worker;
    private final JsonMapper json;
    private final DriftProperties properties;
    private final Clock clock;
    private final Map<String, Cached> others = new ConcurrentHashMap<>();

    DriftExchange(
            BlobStore store, String bucket, String worker, JsonMapper json, DriftProperties properties, Clock clock) {
        this.store = store;
        this.bucket = bucket;
        this.worker = worker;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    /** What one worker published about one version. */
    record Published(String worker, Instant updatedAt, List<Slice> count, List<Slice> time) {}

    String worker() {
        return worker;
    }

    /** Writes this worker's slices of {@code window}'s version. */
    void publish(LiveWindow window) {
        Published mine = new Published(worker, clock.instant(), window.countSlices(), window.timeSlices());
        store.put(
                bucket,
                prefix(window.model(), window.version()) + "workers/" + worker + ".json",
                json.writeValueAsBytes(mine),
                WritePrecondition.none());
    }

    /** The other workers' recent slices of {@code model} v{@code version}. */
    List<Published> others(String model, int version) {
        String key = model + "@" + version;
        Cached cached = others.get(key);
        Instant now = clock.instant();
        if (cached != null
                && now.isBefore(cached.readAt.plus(properties.publishInterval().dividedBy(2)))) {
            return cached.published;
        }
        List<Published> read = read(model, version, now);
        others.put(key, new Cached(now, read));
        return read;
    }

    /** Forgets cached reads (tests that publish and read within one interval). */
    void refresh() {
        others.clear();
    }

    private List<Published> read(String model, int version, Instant now) {
        String workers = prefix(model, version) + "workers/";
        String mine = workers + worker + ".json";
        Instant stale = now.minus(properties.staleAfter());
        List<StoredObject> listed = new ArrayList<>();
        for (StoredObject object : store.list(bucket, workers)) {
            if (object.ref().name().equals(mine)) {
                continue;
            }
            if (object.updated() != null && object.updated().isBefore(stale)) {
                store.delete(bucket, object.ref().name());
                continue;
            }
            listed.add(object);
        }
        listed.sort(Comparator.comparing(
                StoredObject::updated,
                Comparator.nullsLast(Comparator.<Instant>naturalOrder().reversed())));
        List<Published> published = new ArrayList<>();
        for (StoredObject object : listed.subList(0, Math.min(MAX_WORKERS, listed.size()))) {
            try {
                store.get(object.ref())
                        .map(blob -> json.readValue(blob.content(), Published.class))
                        .ifPresent(published::add);
            } catch (RuntimeException e) {
                log.warn("drift: cannot read {}: {}", object.ref().name(), e.toString());
            }
        }
        return published;
    }

    /** The first-predictions baseline of {@code model} v{@code version}, if one was written. */
    Optional<PredictionProfile> baseline(String model, int version) {
        return store.get(bucket, prefix(model, version) + "baseline.json")
                .map(Blob::content)
                .map(content -> json.readValue(content, PredictionProfile.class));
    }

    /** Writes {@code baseline} unless a baseline is there already; returns the one that is. */
    PredictionProfile writeBaseline(String model, int version, PredictionProfile baseline) {
        try {
            store.put(
                    bucket,
                    prefix(model, version) + "baseline.json",
                    json.writeValueAsBytes(baseline),
                    WritePrecondition.doesNotExist());
            log.info(
                    "drift: model {} v{} had no baseline in its manifest; its baseline is now its {} ({} predictions)",
                    model,
                    version,
                    baseline.source(),
                    baseline.predictions());
            return baseline;
        } catch (PreconditionFailedException written) {
            return baseline(model, version).orElse(baseline);
        }
    }

    static String prefix(String model, int version) {
        return "models/" + model + "/drift/v" + version + "/";
    }

    private record Cached(Instant readAt, List<Published> published) {}
}

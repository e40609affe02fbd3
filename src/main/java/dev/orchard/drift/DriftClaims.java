package dev.orchard.drift;

import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.storage.WritePrecondition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cool-down of a model's {@code trigger.drift}, claimed in {@code models/<name>/drift/trigger.json}
 * by compare-and-swap: of replicas that see the same drift at the same time one claims it, and no
 * replica fires again before the cool-down has passed, restarts included. The file also keeps what
 * the firing led to, for the drift route.
 */
public final class DriftClaims {

    private final BlobStore store;
    private final String bucket;
    private final JsonMapper json;
    private final Clock clock;

    DriftClaims(BlobStore store, String bucket, JsonMapper json, Clock clock) {
        this.store = store;
        this.bucket = bucket;
        this.json = json;
        this.clock = clock;
    }

    /**
     * The last firing of a model's drift trigger.
     *
     * @param outcome {@code starting}, {@code started} (with {@code run}), {@code unchanged} (no new
     *     labelled data: drift reported, nothing retrained), {@code waiting} (a retrain of the model
     *     was running) or {@code failed}
     */
    public record Firing(
            String spec,
            String reason,
            Instant firedAt,
            Instant coolDownUntil,
            String outcome,
            String run,
            String detail) {

        /** This firing with what it led to. */
        public Firing with(String outcome, String run, String detail) {
            return new Firing(spec, reason, firedAt, coolDownUntil, outcome, run, detail);
        }
    }

    /**
     * Claims a firing of {@code spec}'s trigger for {@code reason}, unless the last firing's
     * cool-down has not passed or another replica claimed first.
     */
    public Optional<Firing> claim(String model, String spec, String reason, Duration coolDown) {
        Optional<Blob> current = store.get(bucket, object(model));
        Instant now = clock.instant();
        if (current.isPresent() && now.isBefore(read(current.get()).coolDownUntil())) {
            return Optional.empty();
        }
        Firing firing = new Firing(spec, reason, now, now.plus(coolDown), "starting", null, null);
        try {
            store.put(
                    bucket,
                    object(model),
                    json.writeValueAsBytes(firing),
                    current.map(b -> WritePrecondition.generationMatch(b.ref().generation()))
                            .orElse(WritePrecondition.doesNotExist()));
            return Optional.of(firing);
        } catch (PreconditionFailedException raced) {
            return Optional.empty();
        }
    }

    /** Records what {@code firing} led to (last writer wins: only the claimant writes it). */
    public void record(String model, Firing firing) {
        store.put(bucket, object(model), json.writeValueAsBytes(firing), WritePrecondition.none());
    }

    /** The model's last firing, if its trigger ever fired. */
    public Optional<Firing> last(String model) {
        return store.get(bucket, object(model)).map(this::read);
    }

    private Firing read(Blob blob) {
        return json.readValue(blob.content(), Firing.class);
    }

    private static String object(String model) {
        return "models/" + model + "/drift/trigger.json";
    }
}

package dev.orchard.retrain;

import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelNames;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.ModelTraining;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrains a model with its champion's recipe on the current data and gates the candidate.
 *
 * <p>Once-per-data contract: a request whose dataset fingerprint equals the champion's is {@link
 * Status#UNCHANGED} (unless forced); one for data a retrain is already running on — in this worker
 * (in memory) or any other (a create-only claim object {@code models/<name>/retrains/<fingerprint>})
 * — is {@link Status#ALREADY_RUNNING}. A claim left by a dead worker may be taken over after {@code
 * claim-timeout}.
 */
public final class Retrainer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Retrainer.class);

    private final ModelTraining training;
    private final RetrainGate gate;
    private final ModelRegistry registry;
    private final BlobStore store;
    private final RetrainProperties properties;
    private final Clock clock;
    private final ExecutorService executor;
    private final Set<String> running = ConcurrentHashMap.newKeySet();

    Retrainer(
            ModelTraining training,
            RetrainGate gate,
            ModelRegistry registry,
            BlobStore store,
            RetrainProperties properties,
            Clock clock) {
        this.training = training;
        this.gate = gate;
        this.registry = registry;
        this.store = store;
        this.properties = properties;
        this.clock = clock;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "orchard-retrain");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * What to retrain and how to judge it.
     *
     * @param force retrain even when the champion already learned from exactly this data
     * @param minAccuracy overrides {@code orchard.retrain.min-accuracy} when not {@code null}
     * @param maxRegression overrides {@code orchard.retrain.max-regression} when not {@code null}
     * @param promote overrides {@code orchard.retrain.promote} when not {@code null}
     */
    public record Request(
            String model,
            boolean force,
            Double minAccuracy,
            Double maxRegression,
            RetrainProperties.Promote promote,
            String by) {}

    public enum Status {
        /** Trained, passed the gate, and is champion now. */
        PROMOTED,
        /** Trained and passed; waits for a person's promotion. */
        PASSED,
        /** Trained and registered, but the gate said no; the champion stays. */
        REJECTED,
        /** The champion already learned from exactly this data. */
        UNCHANGED,
        /** A retrain on this data is running here or on another worker. */
        ALREADY_RUNNING
    }

    /** @param version the new version, {@code null} when nothing was trained */
    public record Result(String model, Status status, Integer version, String fingerprint, ModelManifest.Gate gate) {}

    /**
     * Checks the request now (unknown model, no recipe: thrown here) and runs the retrain on the
     * retrain thread.
     *
     * @throws ModelNotFoundException if the model has no champion to take the recipe from
     * @throws IllegalArgumentException if the champion was not trained by Orchard
     */
    public CompletableFuture<Result> submit(Request request) {
        ModelNames.requireValid(request.model());
        checkThreshold("min-accuracy", request.minAccuracy());
        checkThreshold("max-regression", request.maxRegression());
        Alias champion = registry.champion(request.model())
                .orElseThrow(() -> new ModelNotFoundException("model '" + request.model()
                        + "' has no champion to retrain (the first version comes from bootstrap or registration)"));
        ModelManifest recipe = registry.manifest(request.model(), champion.version())
                .orElseThrow(() -> new ModelNotFoundException(
                        "model '" + request.model() + "' champion version " + champion.version() + " is missing"));
        if (recipe.dataset() == null
                || recipe.trainer() == null
                || !recipe.dataset().uri().startsWith("gs://")) {
            throw new IllegalArgumentException(
                    "model '" + request.model() + "' version " + recipe.version()
                            + " was not trained by Orchard (no dataset and trainer in its manifest); register new versions instead");
        }
        return CompletableFuture.supplyAsync(() -> retrain(request, champion, recipe), executor);
    }

    private Result retrain(Request request, Alias champion, ModelManifest recipe) {
        String path = recipe.dataset().uri().substring("gs://".length());
        String bucket = path.substring(0, path.indexOf('/'));
        String prefix = path.substring(path.indexOf('/') + 1);
        DatasetSnapshot snapshot = DatasetSnapshot.of(store, bucket, prefix);
        String fingerprint = snapshot.fingerprint();
        if (!request.force() && fingerprint.equals(recipe.dataset().fingerprint())) {
            log.info(
                    "retrain {}: champion v{} already learned from this data; nothing to do",
                    request.model(),
                    champion.version());
            return new Result(request.model(), Status.UNCHANGED, null, fingerprint, null);
        }
        String key = request.model() + "|" + fingerprint + (request.force() ? "|forced" : "");
        if (!running.add(key)) {
            return new Result(request.model(), Status.ALREADY_RUNNING, null, fingerprint, null);
        }
        try {
            if (!request.force() && !claim(request.model(), fingerprint)) {
                return new Result(request.model(), Status.ALREADY_RUNNING, null, fingerprint, null);
            }
            RetrainGate.Thresholds thresholds = new RetrainGate.Thresholds(
                    request.minAccuracy() != null ? request.minAccuracy() : properties.minAccuracy(),
                    request.maxRegression() != null ? request.maxRegression() : properties.maxRegression(),
                    request.promote() != null ? request.promote() : properties.promote());
            try (ModelTraining.Candidate candidate = training.train(
                    new ModelTraining.Request(
                            request.model(),
                            bucket,
                            prefix,
                            recipe.trainer().type(),
                            recipe.trainer().params()),
                    snapshot)) {
                ModelManifest.Gate decision = gate.decide(candidate, Optional.of(champion.version()), thresholds);
                ModelManifest registered = training.register(candidate, decision, request.by());
                registry.audit(
                        request.model(),
                        new ModelRegistry.AuditEntry(
                                "gate-" + decision.decision(),
                                registered.version(),
                                champion.version(),
                                request.by(),
                                decision.reason(),
                                clock.instant()));
                log.info(
                        "retrain {}: version {} {}: {}",
                        request.model(),
                        registered.version(),
                        decision.decision(),
                        decision.reason());
                if (!"promote".equals(decision.decision())) {
                    Status status = "passed".equals(decision.decision()) ? Status.PASSED : Status.REJECTED;
                    return new Result(request.model(), status, registered.version(), fingerprint, decision);
                }
                try {
                    registry.promote(
                            request.model(),
                            registered.version(),
                            registry.champion(request.model()).filter(a -> a.version() == champion.version()),
                            request.by(),
                            "retrain gate: " + decision.reason());
                    return new Result(request.model(), Status.PROMOTED, registered.version(), fingerprint, decision);
                } catch (PreconditionFailedException moved) {
                    log.warn(
                            "retrain {}: the champion moved while version {} trained; it stays unpromoted",
                            request.model(),
                            registered.version());
                    return new Result(request.model(), Status.PASSED, registered.version(), fingerprint, decision);
                }
            }
        } finally {
            running.remove(key);
        }
    }

    /** Create-only claim of (model, fingerprint); a claim older than the timeout is taken over. */
    private boolean claim(String model, String fingerprint) {
        String name = "models/" + model + "/retrains/" + fingerprint + ".json";
        byte[] body = ("{\"at\":\"" + clock.instant() + "\"}").getBytes(StandardCharsets.UTF_8);
        try {
            store.put(registry.bucket(), name, body, WritePrecondition.doesNotExist());
            return true;
        } catch (PreconditionFailedException taken) {
            Optional<Blob> existing = store.get(registry.bucket(), name);
            if (existing.isEmpty()) {
                return claim(model, fingerprint);
            }
            Instant at = Instant.parse(new String(existing.get().content(), StandardCharsets.UTF_8)
                    .replaceAll(".*\"at\":\"([^\"]+)\".*", "$1")
                    .strip());
            boolean trained = registry.versions(model).stream()
                    .anyMatch(m -> m.dataset() != null
                            && fingerprint.equals(m.dataset().fingerprint()));
            if (trained || at.plus(properties.claimTimeout()).isAfter(clock.instant())) {
                log.info("retrain {}: this data was {} elsewhere", model, trained ? "already trained on" : "claimed");
                return false;
            }
            try {
                store.put(
                        registry.bucket(),
                        name,
                        body,
                        WritePrecondition.generationMatch(existing.get().ref().generation()));
                log.warn("retrain {}: took over a claim left since {}", model, at);
                return true;
            } catch (PreconditionFailedException raced) {
                return false;
            }
        }
    }

    private static void checkThreshold(String name, Double value) {
        if (value != null && (value.isNaN() || value < 0 || value > 1)) {
            throw new IllegalArgumentException("\"" + name + "\" must be between 0 and 1, got " + value);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

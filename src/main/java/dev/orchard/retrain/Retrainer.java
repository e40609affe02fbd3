package dev.orchard.retrain;

import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelManifest;
import dev.orchard.registry.ModelNames;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.registry.Sha256;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.Claims;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.training.DatasetSnapshot;
import dev.orchard.training.ModelTraining;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retrains a model on the current data of its dataset — with the recipe of its retrain spec, or
 * else its champion's — and gates the candidate against the champion.
 *
 * <p>Once-per-data contract: a request for data and recipe (trainer and parameters) that a version
 * of the model already learned from is {@link Status#UNCHANGED} (unless forced); one for data a
 * retrain is already running on — in this worker (in memory) or any other (a create-only claim
 * object {@code models/<name>/retrains/<fingerprint>-<recipe>.json}) — is {@link
 * Status#ALREADY_RUNNING}. A claim left by a dead worker may be taken over after {@code
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
     * @param recipe dataset and trainer; {@code null}: the champion's (from its manifest)
     */
    public record Request(
            String model,
            boolean force,
            Double minAccuracy,
            Double maxRegression,
            RetrainProperties.Promote promote,
            String by,
            Recipe recipe) {

        public Request(
                String model,
                boolean force,
                Double minAccuracy,
                Double maxRegression,
                RetrainProperties.Promote promote,
                String by) {
            this(model, force, minAccuracy, maxRegression, promote, by, null);
        }
    }

    /**
     * How a model is trained.
     *
     * @param dataset {@code gs://bucket/prefix/} or {@code gs://bucket/…/manifest.jsonl}
     */
    public record Recipe(String dataset, String trainer, Map<String, Object> params) {

        public Recipe {
            params = params == null ? Map.of() : Map.copyOf(params);
        }

        boolean madeOf(ModelManifest manifest) {
            return manifest.dataset() != null
                    && manifest.trainer() != null
                    && trainer.equals(manifest.trainer().type())
                    && params.equals(
                            manifest.trainer().params() == null
                                    ? Map.of()
                                    : manifest.trainer().params());
        }
    }

    public enum Status {
        /** Trained, passed the gate, and is champion now. */
        PROMOTED,
        /** Trained and passed; waits for a person's promotion. */
        PASSED,
        /** Trained and registered, but the gate said no; the champion stays. */
        REJECTED,
        /** A version (normally the champion) already learned from exactly this data with this recipe. */
        UNCHANGED,
        /** A retrain on this data is running here or on another worker. */
        ALREADY_RUNNING
    }

    /**
     * @param version the new version; for {@link Status#UNCHANGED} the version that already learned
     *     from this data; {@code null} otherwise
     */
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
        Optional<Alias> champion = registry.champion(request.model());
        Optional<ModelManifest> current = champion.map(a -> registry.manifest(request.model(), a.version())
                .orElseThrow(() -> new ModelNotFoundException(
                        "model '" + request.model() + "' champion version " + a.version() + " is missing")));
        Recipe recipe = request.recipe();
        if (recipe == null) {
            ModelManifest manifest = current.orElseThrow(() -> new ModelNotFoundException("model '"
                    + request.model()
                    + "' has no champion to take a recipe from and no retrain spec (jobs/*.yaml, kind: retrain)"));
            if (manifest.dataset() == null
                    || manifest.trainer() == null
                    || !manifest.dataset().uri().startsWith("gs://")) {
                throw new IllegalArgumentException("model '" + request.model() + "' version " + manifest.version()
                        + " was not trained by Orchard (no dataset and trainer in its manifest);"
                        + " register new versions, or give the model a retrain spec");
            }
            recipe = new Recipe(
                    manifest.dataset().uri(),
                    manifest.trainer().type(),
                    manifest.trainer().params());
        }
        training.check(recipe.trainer(), recipe.params());
        DatasetSnapshot.Location dataset = DatasetSnapshot.Location.parse(recipe.dataset());
        Recipe chosen = recipe;
        Map<String, String> logContext = org.slf4j.MDC.getCopyOfContextMap(); // the caller's trace id
        return CompletableFuture.supplyAsync(
                () -> {
                    org.slf4j.MDC.setContextMap(logContext == null ? Map.of() : logContext);
                    try {
                        return retrain(request, chosen, dataset, current);
                    } finally {
                        org.slf4j.MDC.clear();
                    }
                },
                executor);
    }

    /**
     * How many labelled objects of the recipe's dataset the champion has not learned from (new
     * objects and new generations): compared with the champion's {@code dataset.jsonl}, or by count
     * for a champion trained before snapshots were stored. All of them when there is no champion.
     */
    public int newObjects(String model, Recipe recipe) {
        DatasetSnapshot snapshot = DatasetSnapshot.of(store, DatasetSnapshot.Location.parse(recipe.dataset()));
        Optional<ModelManifest> champion = registry.champion(model).flatMap(a -> registry.manifest(model, a.version()));
        if (champion.isEmpty()) {
            return snapshot.objects().size();
        }
        Optional<Blob> learned = store.get(
                registry.bucket(),
                "models/" + model + "/versions/" + champion.get().version() + "/dataset.jsonl");
        if (learned.isPresent()) {
            return snapshot.newSince(learned.get().content());
        }
        int before =
                champion.get().dataset() == null ? 0 : champion.get().dataset().objects();
        return Math.max(0, snapshot.objects().size() - before);
    }

    private Result retrain(
            Request request, Recipe recipe, DatasetSnapshot.Location dataset, Optional<ModelManifest> champion) {
        DatasetSnapshot snapshot = DatasetSnapshot.of(store, dataset);
        String fingerprint = snapshot.fingerprint();
        if (!request.force()) {
            Optional<ModelManifest> same = champion.filter(c ->
                            recipe.madeOf(c) && fingerprint.equals(c.dataset().fingerprint()))
                    .or(() -> registry.versions(request.model()).stream()
                            .filter(v -> recipe.madeOf(v)
                                    && fingerprint.equals(v.dataset().fingerprint()))
                            .findFirst());
            if (same.isPresent()) {
                log.info(
                        "retrain {}: version {} already learned from this data with this recipe; nothing to do",
                        request.model(),
                        same.get().version());
                return new Result(request.model(), Status.UNCHANGED, same.get().version(), fingerprint, null);
            }
        }
        String claimId = claimId(fingerprint, recipe);
        String key = request.model() + "|" + claimId + (request.force() ? "|forced" : "");
        if (!running.add(key)) {
            return new Result(request.model(), Status.ALREADY_RUNNING, null, fingerprint, null);
        }
        try {
            if (!request.force() && !claim(request.model(), fingerprint, recipe)) {
                return new Result(request.model(), Status.ALREADY_RUNNING, null, fingerprint, null);
            }
            RetrainGate.Thresholds thresholds = new RetrainGate.Thresholds(
                    request.minAccuracy() != null ? request.minAccuracy() : properties.minAccuracy(),
                    request.maxRegression() != null ? request.maxRegression() : properties.maxRegression(),
                    request.promote() != null ? request.promote() : properties.promote());
            Optional<Integer> championVersion = champion.map(ModelManifest::version);
            try (ModelTraining.Candidate candidate = training.train(
                    new ModelTraining.Request(
                            request.model(), dataset.bucket(), dataset.path(), recipe.trainer(), recipe.params()),
                    snapshot)) {
                ModelManifest.Gate decision = gate.decide(candidate, championVersion, thresholds);
                ModelManifest registered = training.register(candidate, decision, request.by());
                registry.audit(
                        request.model(),
                        new ModelRegistry.AuditEntry(
                                "gate-" + decision.decision(),
                                registered.version(),
                                championVersion.orElse(null),
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
                            championVersion.isEmpty()
                                    ? Optional.empty()
                                    : registry.champion(request.model())
                                            .filter(a -> a.version() == championVersion.get()),
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

    /** The claim object of a retrain of {@code model} on data {@code fingerprint} with {@code recipe}. */
    static String claimName(String model, String fingerprint, Recipe recipe) {
        return "models/" + model + "/retrains/" + claimId(fingerprint, recipe) + ".json";
    }

    /** The data fingerprint and a digest of the recipe: another trainer on the same data is another retrain. */
    private static String claimId(String fingerprint, Recipe recipe) {
        String canonical = recipe.trainer() + "|" + new java.util.TreeMap<>(recipe.params());
        return fingerprint + "-"
                + Sha256.hex(canonical.getBytes(StandardCharsets.UTF_8)).substring(0, 12);
    }

    /** Create-only claim of (model, fingerprint); a claim older than the timeout is taken over. */
    private boolean claim(String model, String fingerprint, Recipe recipe) {
        return Claims.claim(store, registry.bucket(), claimName(model, fingerprint, recipe), clock.instant(), at -> {
            boolean trained = registry.versions(model).stream()
                    .anyMatch(m ->
                            recipe.madeOf(m) && fingerprint.equals(m.dataset().fingerprint()));
            if (trained || at.plus(properties.claimTimeout()).isAfter(clock.instant())) {
                log.info("retrain {}: this data was {} elsewhere", model, trained ? "already trained on" : "claimed");
                return false;
            }
            return true;
        });
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

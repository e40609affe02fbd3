package dev.orchard.registry;

import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.PreconditionFailedException;
import dev.orchard.storage.StoredObject;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.system.LogText;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Model versions, manifests and aliases in a bucket:
 *
 * <pre>
 * models/&lt;name&gt;/claims/&lt;n&gt;                 create-only: who took version n
 * models/&lt;name&gt;/versions/&lt;n&gt;/...             create-only artifacts, then manifest.json last
 * models/&lt;name&gt;/aliases/champion.json        {"version": n, ...}, moved only by compare-and-swap
 * models/&lt;name&gt;/audit.jsonl                  one line per registration, promotion, rollback
 * </pre>
 *
 * <p>Concurrency contract: two registrations never get the same version (the create-only claim
 * decides; the loser takes the next number). A version is visible only once its manifest exists,
 * so a registrant killed half-way leaves a claimed number with no version, never a half version.
 * Two promoters racing on the same alias generation: exactly one wins, the other gets {@link
 * PreconditionFailedException}.
 */
public final class ModelRegistry {

    private static final Logger log = LoggerFactory.getLogger(ModelRegistry.class);
    private static final String CHAMPION = "champion";

    private final BlobStore store;
    private final String bucket;
    private final JsonMapper json;
    private final Clock clock;
    private final String codeVersion;

    public ModelRegistry(BlobStore store, String bucket, JsonMapper json, Clock clock, String codeVersion) {
        this.store = store;
        this.bucket = bucket;
        this.json = json;
        this.clock = clock;
        this.codeVersion = codeVersion;
    }

    public String bucket() {
        return bucket;
    }

    /** Names of all models that have at least one claimed version. */
    public List<String> models() {
        TreeSet<String> names = new TreeSet<>();
        for (StoredObject o : store.list(bucket, "models/")) {
            String[] parts = o.ref().name().split("/");
            if (parts.length >= 3 && ModelNames.isValid(parts[1])) {
                names.add(parts[1]);
            }
        }
        return List.copyOf(names);
    }

    /** Every complete version of {@code name}, oldest first. */
    public List<ModelManifest> versions(String name) {
        ModelNames.requireValid(name);
        return store.list(bucket, versionsPrefix(name)).stream()
                .filter(o -> o.ref().name().endsWith("/manifest.json"))
                .map(o -> readManifest(o.ref().name()))
                .flatMap(Optional::stream)
                .sorted(Comparator.comparingInt(ModelManifest::version))
                .toList();
    }

    public Optional<ModelManifest> manifest(String name, int version) {
        ModelNames.requireValid(name);
        return readManifest(versionPrefix(name, version) + "manifest.json");
    }

    /**
     * Registers {@code draft} as the next version: claims a number, writes every artifact
     * create-only, then the manifest (with the artifacts' sha256) last.
     */
    public ModelManifest register(ModelDraft draft, String actor) {
        ModelNames.requireValid(draft.name());
        for (int attempt = 0; attempt < 50; attempt++) {
            int version = highestClaim(draft.name()) + 1;
            try {
                store.put(
                        bucket,
                        claimName(draft.name(), version),
                        actor.getBytes(StandardCharsets.UTF_8),
                        WritePrecondition.doesNotExist());
            } catch (PreconditionFailedException taken) {
                continue;
            }
            Map<String, String> hashes = new LinkedHashMap<>();
            draft.artifacts().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .forEach(artifact -> {
                        store.put(
                                bucket,
                                versionPrefix(draft.name(), version) + artifact.getKey(),
                                artifact.getValue(),
                                WritePrecondition.doesNotExist());
                        hashes.put(artifact.getKey(), Sha256.hex(artifact.getValue()));
                    });
            ModelManifest manifest = new ModelManifest(
                    draft.name(),
                    version,
                    draft.kind(),
                    draft.input(),
                    draft.output(),
                    draft.labels(),
                    draft.metrics(),
                    draft.dataset(),
                    draft.trainer(),
                    draft.provenance(),
                    codeVersion,
                    clock.instant(),
                    hashes,
                    draft.gate());
            store.put(
                    bucket,
                    versionPrefix(draft.name(), version) + "manifest.json",
                    json.writeValueAsBytes(manifest),
                    WritePrecondition.doesNotExist());
            audit(draft.name(), new AuditEntry("registered", version, null, actor, "new version", clock.instant()));
            log.info("registered model {} version {} ({} artifacts)", draft.name(), version, hashes.size());
            return manifest;
        }
        throw new IllegalStateException("could not claim a version number for " + draft.name() + " after 50 attempts");
    }

    /** The champion alias, if the model has one. */
    public Optional<Alias> champion(String name) {
        ModelNames.requireValid(name);
        return store.get(bucket, aliasName(name, CHAMPION)).map(blob -> {
            Alias.Body body = json.readValue(blob.content(), Alias.Body.class);
            return new Alias(
                    body.version(),
                    body.previous(),
                    body.by(),
                    body.reason(),
                    body.at(),
                    blob.ref().generation());
        });
    }

    /** The alias object's current generation, without reading it (a cheap change check). */
    public OptionalLong championGeneration(String name) {
        return store.stat(bucket, aliasName(name, CHAMPION))
                .map(o -> OptionalLong.of(o.ref().generation()))
                .orElse(OptionalLong.empty());
    }

    /**
     * Points {@code champion} at {@code version} if the alias is still at {@code expected} (its
     * generation, or absent for a model that has no champion yet).
     *
     * @throws PreconditionFailedException if another promoter moved the alias first
     * @throws ModelNotFoundException if the version does not exist
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "CRLF_INJECTION_LOGS",
            justification =
                    "actor and reason are logged through LogText.oneLine; the model name is validated (ModelNames)")
    public Alias promote(String name, int version, Optional<Alias> expected, String actor, String reason) {
        if (manifest(name, version).isEmpty()) {
            throw new ModelNotFoundException("model " + name + " has no version " + version);
        }
        Integer previous = expected.map(Alias::version).orElse(null);
        Alias.Body body = new Alias.Body(version, previous, actor, reason, clock.instant());
        WritePrecondition precondition = expected.map(a -> WritePrecondition.generationMatch(a.generation()))
                .orElse(WritePrecondition.doesNotExist());
        long generation = store.put(bucket, aliasName(name, CHAMPION), json.writeValueAsBytes(body), precondition)
                .generation();
        audit(name, new AuditEntry("promoted", version, previous, actor, reason, body.at()));
        log.info(
                "model {}: champion is now version {} (was {}) by {}: {}",
                name,
                version,
                previous,
                LogText.oneLine(actor),
                LogText.oneLine(reason));
        return new Alias(version, previous, actor, reason, body.at(), generation);
    }

    /** Appends one line to {@code audit.jsonl} (compare-and-swap loop, so concurrent writers all land). */
    public void audit(String name, AuditEntry entry) {
        String object = "models/" + name + "/audit.jsonl";
        byte[] line = (json.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
        for (int attempt = 0; attempt < 100; attempt++) {
            Optional<Blob> current = store.get(bucket, object);
            byte[] content = current.map(b -> concat(b.content(), line)).orElse(line);
            WritePrecondition precondition = current.map(
                            b -> WritePrecondition.generationMatch(b.ref().generation()))
                    .orElse(WritePrecondition.doesNotExist());
            try {
                store.put(bucket, object, content, precondition);
                return;
            } catch (PreconditionFailedException raced) {
                // another writer appended first; re-read and append after it
            }
        }
        throw new IllegalStateException("could not append to " + object);
    }

    /** The audit log of {@code name}, oldest first (empty for an unknown model). */
    public List<AuditEntry> auditLog(String name) {
        ModelNames.requireValid(name);
        return store.get(bucket, "models/" + name + "/audit.jsonl")
                .map(blob -> new String(blob.content(), StandardCharsets.UTF_8)
                        .lines()
                        .filter(line -> !line.isBlank())
                        .map(line -> json.readValue(line, AuditEntry.class))
                        .toList())
                .orElse(List.of());
    }

    /** One line of {@code audit.jsonl}. */
    public record AuditEntry(
            String action, int version, Integer previous, String by, String reason, java.time.Instant at) {}

    /** Reads an artifact of a version (the caller verifies it against the manifest). */
    byte[] artifact(ModelManifest manifest, String path) {
        String object = versionPrefix(manifest.name(), manifest.version()) + path;
        return store.get(bucket, object)
                .map(Blob::content)
                .orElseThrow(() -> new ModelNotFoundException("artifact " + object + " is missing"));
    }

    private Optional<ModelManifest> readManifest(String object) {
        return store.get(bucket, object).map(blob -> json.readValue(blob.content(), ModelManifest.class));
    }

    private int highestClaim(String name) {
        return store.list(bucket, "models/" + name + "/claims/").stream()
                .map(o -> o.ref().name().substring(o.ref().name().lastIndexOf('/') + 1))
                .filter(s -> s.matches("\\d{1,9}"))
                .mapToInt(Integer::parseInt)
                .max()
                .orElse(0);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static String versionsPrefix(String name) {
        return "models/" + name + "/versions/";
    }

    private static String versionPrefix(String name, int version) {
        return versionsPrefix(name) + version + "/";
    }

    private static String claimName(String name, int version) {
        return "models/" + name + "/claims/" + version;
    }

    private static String aliasName(String name, String alias) {
        return "models/" + name + "/aliases/" + alias + ".json";
    }
}

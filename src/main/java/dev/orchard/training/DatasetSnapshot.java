package dev.orchard.training;

import dev.orchard.registry.Sha256;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.GcsUri;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The labelled images of a dataset at one moment, every object pinned to the generation seen. A
 * dataset is either
 *
 * <ul>
 *   <li>a folder {@code gs://bucket/prefix/} holding {@code <label>/<image>}: each image is labelled by
 *       its first folder under the prefix; or
 *   <li>a {@code gs://bucket/…/manifest.jsonl} object (any name ending in {@code .jsonl}) with one
 *       {@code {"uri":"gs://b/name","label":"…"}} per line; the images may live in any bucket.
 * </ul>
 *
 * <p>The fingerprint is the sha256 of the sorted {@code object, generation, label} lines, so the
 * same data gives the same fingerprint on any machine. The holdout split hashes object names (not
 * generations): about {@link #HOLDOUT_PERCENT}% of names go to the holdout, and a retrain on grown
 * data keeps every old holdout image in the holdout.
 *
 * @param missing manifest lines whose object does not exist (skipped; always 0 for folders)
 */
public record DatasetSnapshot(String uri, List<LabelledObject> objects, String fingerprint, int missing) {

    public static final int HOLDOUT_PERCENT = 20;
    private static final Logger log = LoggerFactory.getLogger(DatasetSnapshot.class);
    private static final Set<String> IMAGE_SUFFIXES = Set.of(".jpg", ".jpeg", ".png", ".webp");
    private static final int MAX_LABEL_LENGTH = 200;
    private static final int STAT_EACH_UP_TO = 256;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where a dataset lives: {@code path} is a folder prefix ending in '/' or a {@code .jsonl} object. */
    public record Location(String bucket, String path) {

        public Location {
            if (bucket == null || bucket.isBlank()) {
                throw new IllegalArgumentException("a dataset needs a bucket");
            }
            if (path == null || !(path.isEmpty() || path.endsWith("/") || isManifest(path))) {
                throw new IllegalArgumentException("a dataset is a folder (gs://bucket/prefix/) or a manifest"
                        + " (gs://bucket/…/manifest.jsonl), got gs://" + bucket + "/" + path);
            }
        }

        /** Parses {@code gs://bucket/prefix/} or {@code gs://bucket/name.jsonl}. */
        public static Location parse(String uri) {
            GcsUri location;
            try {
                location = GcsUri.parse(uri);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "a dataset is gs://bucket/prefix/ or gs://bucket/…/manifest.jsonl: " + e.getMessage());
            }
            return new Location(location.bucket(), location.path());
        }

        public boolean manifest() {
            return isManifest(path);
        }

        public String uri() {
            return "gs://" + bucket + "/" + path;
        }

        private static boolean isManifest(String path) {
            return path.toLowerCase(Locale.ROOT).endsWith(".jsonl");
        }
    }

    /** Lists {@code gs://bucket/prefix} and labels each image by its first folder under the prefix. */
    public static DatasetSnapshot of(BlobStore store, String bucket, String prefix) {
        return of(store, new Location(bucket, prefix));
    }

    /** The snapshot of a folder or a manifest dataset. */
    public static DatasetSnapshot of(BlobStore store, Location location) {
        return location.manifest() ? fromManifest(store, location) : fromFolder(store, location);
    }

    private static DatasetSnapshot fromFolder(BlobStore store, Location location) {
        String prefix = location.path();
        List<LabelledObject> objects = new ArrayList<>();
        for (StoredObject o : store.list(location.bucket(), prefix)) {
            String rest = o.ref().name().substring(prefix.length());
            int slash = rest.indexOf('/');
            String lower = rest.toLowerCase(Locale.ROOT);
            if (slash > 0 && IMAGE_SUFFIXES.stream().anyMatch(lower::endsWith)) {
                objects.add(new LabelledObject(o.ref(), rest.substring(0, slash)));
            }
        }
        MessageDigest digest = Sha256.digest();
        for (LabelledObject o : objects) { // list() is sorted by name
            String line = o.ref().name() + "," + o.ref().generation() + "," + o.label() + "\n";
            digest.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return new DatasetSnapshot(location.uri(), List.copyOf(objects), hex(digest), 0);
    }

    private record Line(String bucket, String name, String label) {}

    /**
     * Reads a manifest; a malformed line, or one object labelled twice differently, is refused with
     * its line number. Lines whose object is gone are counted in {@link #missing()} and skipped.
     */
    private static DatasetSnapshot fromManifest(BlobStore store, Location location) {
        Blob manifest = store.get(location.bucket(), location.path())
                .orElseThrow(
                        () -> new IllegalArgumentException("dataset manifest " + location.uri() + " does not exist"));
        Map<String, Line> lines = new LinkedHashMap<>();
        String[] text = new String(manifest.content(), StandardCharsets.UTF_8).split("\r?\n");
        for (int i = 0; i < text.length; i++) {
            if (text[i].isBlank()) {
                continue;
            }
            Line line = parseLine(location, i + 1, text[i]);
            String uri = "gs://" + line.bucket() + "/" + line.name();
            Line before = lines.putIfAbsent(uri, line);
            if (before != null && !before.label().equals(line.label())) {
                throw new IllegalArgumentException(location.uri() + " line " + (i + 1) + ": " + uri
                        + " is labelled both '" + before.label() + "' and '" + line.label() + "'");
            }
        }
        Map<String, ObjectRef> found = locate(store, lines.values());
        List<LabelledObject> objects = new ArrayList<>();
        int missing = 0;
        for (Map.Entry<String, Line> entry : lines.entrySet()) {
            ObjectRef ref = found.get(entry.getKey());
            if (ref == null) {
                missing++;
                log.warn("dataset {}: {} does not exist; skipped", location.uri(), entry.getKey());
            } else {
                objects.add(new LabelledObject(ref, entry.getValue().label()));
            }
        }
        objects.sort(Comparator.comparing((LabelledObject o) -> o.ref().bucket())
                .thenComparing(o -> o.ref().name()));
        MessageDigest digest = Sha256.digest();
        for (LabelledObject o : objects) {
            String line = "gs://" + o.ref().bucket() + "/" + o.ref().name() + ","
                    + o.ref().generation() + "," + o.label() + "\n";
            digest.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return new DatasetSnapshot(location.uri(), List.copyOf(objects), hex(digest), missing);
    }

    private static Line parseLine(Location location, int number, String text) {
        String where = location.uri() + " line " + number + ": ";
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(where + "not JSON (" + e.getOriginalMessage() + ")");
        }
        if (!node.isObject()
                || !node.path("uri").isString()
                || !node.path("label").isString()) {
            throw new IllegalArgumentException(where + "expected {\"uri\":\"gs://bucket/object\",\"label\":\"…\"}");
        }
        String uri = node.get("uri").asString();
        String label = node.get("label").asString();
        if (label.isBlank()
                || label.length() > MAX_LABEL_LENGTH
                || label.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException(
                    where + "label must be 1.." + MAX_LABEL_LENGTH + " printable characters, got '" + label + "'");
        }
        GcsUri object;
        try {
            object = GcsUri.parseObject(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + "uri " + e.getMessage());
        }
        return new Line(object.bucket(), object.path(), label);
    }

    /** Pins each line's object: a stat each for small manifests, one listing per bucket for big ones. */
    private static Map<String, ObjectRef> locate(BlobStore store, java.util.Collection<Line> lines) {
        Map<String, ObjectRef> found = new HashMap<>();
        if (lines.size() <= STAT_EACH_UP_TO) {
            for (Line line : lines) {
                Optional<StoredObject> stat = store.stat(line.bucket(), line.name());
                stat.ifPresent(s -> found.put("gs://" + line.bucket() + "/" + line.name(), s.ref()));
            }
            return found;
        }
        Map<String, List<String>> byBucket = new HashMap<>();
        lines.forEach(l ->
                byBucket.computeIfAbsent(l.bucket(), b -> new ArrayList<>()).add(l.name()));
        for (Map.Entry<String, List<String>> bucket : byBucket.entrySet()) {
            String common = commonPrefix(bucket.getValue());
            for (StoredObject o : store.list(bucket.getKey(), common)) {
                found.put("gs://" + bucket.getKey() + "/" + o.ref().name(), o.ref());
            }
        }
        return found;
    }

    private static String commonPrefix(List<String> names) {
        String prefix = names.get(0);
        for (String name : names) {
            int i = 0;
            while (i < prefix.length() && i < name.length() && prefix.charAt(i) == name.charAt(i)) {
                i++;
            }
            prefix = prefix.substring(0, i);
        }
        return prefix;
    }

    private static String hex(MessageDigest digest) {
        return java.util.HexFormat.of().formatHex(digest.digest());
    }

    /** Distinct labels, sorted. */
    public List<String> labels() {
        TreeSet<String> labels = new TreeSet<>();
        objects.forEach(o -> labels.add(o.label()));
        return List.copyOf(labels);
    }

    /** Whether {@code object} belongs to the holdout (a pure function of its name). */
    public static boolean isHoldout(LabelledObject object) {
        byte[] hash = Sha256.digest().digest(object.ref().name().getBytes(StandardCharsets.UTF_8));
        int bucket = ((hash[0] & 0xFF) << 8 | (hash[1] & 0xFF)) % 100;
        return bucket < HOLDOUT_PERCENT;
    }

    /**
     * The snapshot as JSON lines ({@code uri, generation, label, split}), stored beside each trained
     * version as {@code dataset.jsonl}: what exactly the model learned from and was judged on.
     */
    public byte[] toJsonLines() {
        StringBuilder out = new StringBuilder();
        for (LabelledObject o : objects) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("uri", "gs://" + o.ref().bucket() + "/" + o.ref().name());
            line.put("generation", o.ref().generation());
            line.put("label", o.label());
            line.put("split", isHoldout(o) ? "holdout" : "train");
            out.append(JSON.writeValueAsString(line)).append('\n');
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A snapshot read back from its {@link #toJsonLines()} body, with the fingerprint it was taken
     * with: the exact objects (and generations) a retrain pinned when it was asked for.
     */
    public static DatasetSnapshot fromJsonLines(String uri, String fingerprint, byte[] lines) {
        List<LabelledObject> objects = new ArrayList<>();
        for (String line : new String(lines, StandardCharsets.UTF_8).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            GcsUri object = GcsUri.parseObject(node.path("uri").asString());
            objects.add(new LabelledObject(
                    new ObjectRef(
                            object.bucket(),
                            object.path(),
                            node.path("generation").asLong()),
                    node.path("label").asString()));
        }
        return new DatasetSnapshot(uri, List.copyOf(objects), fingerprint, 0);
    }

    /**
     * The objects of this snapshot not in {@code earlier} (a {@link #toJsonLines()} body): new
     * objects and new generations of old ones.
     */
    public int newSince(byte[] earlier) {
        Set<String> seen = new java.util.HashSet<>();
        for (String line : new String(earlier, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                JsonNode node = JSON.readTree(line);
                seen.add(node.path("uri").asString() + "#"
                        + node.path("generation").asLong());
            }
        }
        int fresh = 0;
        for (LabelledObject o : objects) {
            if (!seen.contains("gs://" + o.ref().bucket() + "/" + o.ref().name() + "#"
                    + o.ref().generation())) {
                fresh++;
            }
        }
        return fresh;
    }
}

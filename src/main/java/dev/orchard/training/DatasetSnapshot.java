package dev.orchard.training;

import dev.orchard.registry.Sha256;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The labelled images under a prefix at one moment: {@code <prefix><label>/<file>}, every object
 * pinned to the generation listed. The fingerprint is the sha256 of the sorted {@code name,
 * generation, label} lines, so the same data gives the same fingerprint on any machine.
 *
 * <p>The holdout split hashes object names (not generations): about {@link #HOLDOUT_PERCENT}% of
 * names go to the holdout, and a retrain on grown data keeps every old holdout image in the holdout.
 */
public record DatasetSnapshot(String uri, List<LabelledObject> objects, String fingerprint) {

    public static final int HOLDOUT_PERCENT = 20;
    private static final Set<String> IMAGE_SUFFIXES = Set.of(".jpg", ".jpeg", ".png", ".webp");

    /** Lists {@code gs://bucket/prefix} and labels each image by its first folder under the prefix. */
    public static DatasetSnapshot of(BlobStore store, String bucket, String prefix) {
        List<LabelledObject> objects = new ArrayList<>();
        for (StoredObject o : store.list(bucket, prefix)) {
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
        String fingerprint = java.util.HexFormat.of().formatHex(digest.digest());
        return new DatasetSnapshot("gs://" + bucket + "/" + prefix, List.copyOf(objects), fingerprint);
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
}

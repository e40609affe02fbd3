package dev.orchard.storage;

import java.util.regex.Pattern;

/**
 * A {@code gs://bucket/path} location, the one parser of such strings: commands, {@code POST
 * /jobs}, dataset locations, manifests and model imports all read them here.
 *
 * @param bucket a Cloud Storage bucket name (3-222 of lower-case letters, digits, '.', '_', '-')
 * @param path what follows the bucket's slash: empty, a prefix ending in '/', or an object name
 */
public record GcsUri(String bucket, String path) {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9._-]*[a-z0-9]");

    public GcsUri {
        if (!isBucketName(bucket)) {
            throw new IllegalArgumentException("not a bucket name: '" + abbreviated(bucket) + "'");
        }
        if (path == null) {
            path = "";
        }
        if (!path.isEmpty()) {
            ObjectNames.requireValidPrefix(path); // no "..", no absolute paths, at most 1,024 characters
        }
    }

    /**
     * {@code gs://bucket}, {@code gs://bucket/} or {@code gs://bucket/path}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static GcsUri parse(String uri) {
        if (uri == null || !uri.startsWith("gs://") || uri.length() <= 5) {
            throw new IllegalArgumentException(
                    "must be gs://bucket/path, got '" + abbreviated(String.valueOf(uri)) + "'");
        }
        String rest = uri.substring(5);
        int slash = rest.indexOf('/');
        try {
            return slash < 0 ? new GcsUri(rest, "") : new GcsUri(rest.substring(0, slash), rest.substring(slash + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + abbreviated(uri) + "': " + e.getMessage());
        }
    }

    /**
     * {@code gs://bucket/object}: a single object, not a prefix.
     *
     * @throws IllegalArgumentException if it names no object
     */
    public static GcsUri parseObject(String uri) {
        GcsUri parsed;
        try {
            parsed = parse(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("must be gs://bucket/object: " + e.getMessage());
        }
        if (parsed.path().isEmpty() || parsed.path().endsWith("/")) {
            throw new IllegalArgumentException("must be gs://bucket/object, got '" + abbreviated(uri) + "'");
        }
        return parsed;
    }

    /** Cloud Storage's bucket name rules. */
    public static boolean isBucketName(String bucket) {
        return bucket != null
                && bucket.length() >= 3
                && bucket.length() <= 222
                && BUCKET.matcher(bucket).matches();
    }

    @Override
    public String toString() {
        return "gs://" + bucket + "/" + path;
    }

    private static String abbreviated(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "...";
    }
}

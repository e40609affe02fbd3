package dev.orchard.trigger;

import dev.orchard.storage.GcsUri;
import dev.orchard.storage.ObjectNames;
import dev.orchard.storage.ObjectRef;
import java.util.Map;
import java.util.Optional;

/**
 * Parses a Cloud Storage Pub/Sub notification from its attributes ({@code eventType}, {@code
 * bucketId}, {@code objectId}, {@code objectGeneration}, {@code payloadFormat}); the JSON_API_V1
 * payload is not needed. Only {@code OBJECT_FINALIZE} is work: other events are empty (acked and
 * counted by the caller).
 */
public final class GcsNotification {

    public static final String FINALIZE = "OBJECT_FINALIZE";

    private static final java.util.regex.Pattern BUCKET =
            java.util.regex.Pattern.compile("[a-z0-9][a-z0-9._-]*[a-z0-9]");

    private GcsNotification() {}

    /**
     * The upload a notification announces, or empty for events that start no work.
     *
     * @throws MalformedMessageException if a required attribute is missing or invalid
     */
    public static Optional<ObjectRef> parse(Map<String, String> attributes) {
        String eventType = require(attributes, "eventType");
        if (!FINALIZE.equals(eventType)) {
            return Optional.empty();
        }
        String bucket = require(attributes, "bucketId");
        if (!GcsUri.isBucketName(bucket)) {
            throw new MalformedMessageException("bucketId is not a bucket name: '" + abbreviated(bucket) + "'");
        }
        String object = require(attributes, "objectId");
        String generation = require(attributes, "objectGeneration");
        long parsed;
        try {
            parsed = Long.parseLong(generation);
        } catch (NumberFormatException e) {
            throw new MalformedMessageException("objectGeneration is not a number: '" + abbreviated(generation) + "'");
        }
        if (parsed <= 0) {
            throw new MalformedMessageException("objectGeneration must be positive, got " + parsed);
        }
        try {
            ObjectNames.requireValid(object);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("objectId is not an object name Orchard accepts: " + e.getMessage());
        }
        return Optional.of(new ObjectRef(bucket, object, parsed));
    }

    private static String abbreviated(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }

    private static String require(Map<String, String> attributes, String name) {
        String value = attributes.get(name);
        if (value == null || value.isBlank()) {
            throw new MalformedMessageException(
                    "not a Cloud Storage notification: attribute '" + name + "' is missing");
        }
        return value;
    }
}

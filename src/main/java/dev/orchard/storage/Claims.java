package dev.orchard.storage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Create-only claim objects shared by every worker on the same storage: the first writer of a
 * claim holds it; a claim its caller judges abandoned (from the time it was made) is taken over
 * with a generation-match write, so of several workers taking it over exactly one wins.
 */
public final class Claims {

    private static final Logger log = LoggerFactory.getLogger(Claims.class);

    private Claims() {}

    /**
     * Claims {@code gs://bucket/name} at {@code now}. When another worker holds it, {@code
     * mayTakeOver} is asked with the time that claim was made.
     *
     * @return true when the caller now holds the claim
     */
    public static boolean claim(
            BlobStore store, String bucket, String name, Instant now, Predicate<Instant> mayTakeOver) {
        byte[] body = ("{\"at\":\"" + now + "\"}").getBytes(StandardCharsets.UTF_8);
        try {
            store.put(bucket, name, body, WritePrecondition.doesNotExist());
            return true;
        } catch (PreconditionFailedException taken) {
            Optional<Blob> existing = store.get(bucket, name);
            if (existing.isEmpty()) {
                return claim(store, bucket, name, now, mayTakeOver); // released meanwhile
            }
            Instant at = Instant.parse(new String(existing.get().content(), StandardCharsets.UTF_8)
                    .replaceAll(".*\"at\":\"([^\"]+)\".*", "$1")
                    .strip());
            if (!mayTakeOver.test(at)) {
                return false;
            }
            try {
                store.put(
                        bucket,
                        name,
                        body,
                        WritePrecondition.generationMatch(existing.get().ref().generation()));
                log.warn("took over gs://{}/{}, a claim left since {}", bucket, name, at);
                return true;
            } catch (PreconditionFailedException raced) {
                return false;
            }
        }
    }
}

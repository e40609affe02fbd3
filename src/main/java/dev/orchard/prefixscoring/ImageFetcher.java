package dev.orchard.prefixscoring;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.ModelInput;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectTooLargeException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.infrastructure.item.ItemProcessor;

/**
 * Reads and decodes one object. Never throws for a bad object: an image that cannot be used, a
 * deleted object or storage that keeps failing after {@code attempts} tries (with exponential
 * backoff) becomes an {@link Fetched.Unscorable} that ends as an errors row. A decode refused only
 * because the decode budget is busy is tried again the same way, and is never an errors row.
 */
class ImageFetcher implements ItemProcessor<ListedObject, Fetched> {

    private static final Logger log = LoggerFactory.getLogger(ImageFetcher.class);

    private final BlobStore store;
    private final ImageDecoder decoder;
    private final ModelInput input;
    private final int attempts;
    private final long firstBackoffMillis;

    ImageFetcher(BlobStore store, ImageDecoder decoder, ModelInput input, int attempts, long firstBackoffMillis) {
        this.store = store;
        this.decoder = decoder;
        this.input = input;
        this.attempts = attempts;
        this.firstBackoffMillis = firstBackoffMillis;
    }

    @Override
    public Fetched process(ListedObject item) throws InterruptedException {
        Optional<Blob> blob = Optional.empty();
        RuntimeException failure = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                blob = store.get(item.ref().bucket(), item.ref().name(), decoder.maxBytes());
                failure = null;
                break;
            } catch (ObjectTooLargeException e) {
                return new Fetched.Unscorable(item.index(), item.ref(), "TOO_LARGE", e.getMessage());
            } catch (IllegalArgumentException e) {
                return new Fetched.Unscorable(item.index(), item.ref(), "READ_FAILURE", e.getMessage());
            } catch (RuntimeException e) {
                failure = e;
                if (attempt < attempts) {
                    long backoff = firstBackoffMillis << (attempt - 1);
                    log.debug("reading {} failed (attempt {}), retrying in {} ms", item.ref(), attempt, backoff);
                    Thread.sleep(backoff);
                }
            }
        }
        if (failure != null) {
            return new Fetched.Unscorable(
                    item.index(),
                    item.ref(),
                    "READ_FAILURE",
                    "could not read the object after " + attempts + " attempts: " + failure.getMessage());
        }
        if (blob.isEmpty()) {
            return new Fetched.Unscorable(
                    item.index(), item.ref(), "NOT_FOUND", "the object was deleted after the job listed it");
        }
        try {
            long[] size = new long[2];
            byte[] pixels = decoder.decodePixelsPatiently(
                    blob.get().content(),
                    input,
                    attempts,
                    java.time.Duration.ofMillis(firstBackoffMillis),
                    (width, height) -> {
                        size[0] = width;
                        size[1] = height;
                    });
            return new Fetched.Decoded(item.index(), blob.get().ref(), pixels, input, size[0], size[1]);
        } catch (ImageRejectedException e) {
            return new Fetched.Unscorable(
                    item.index(), blob.get().ref(), e.reason().name(), e.getMessage());
        }
    }
}

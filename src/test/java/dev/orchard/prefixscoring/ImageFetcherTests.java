package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.DecodeBudget;
import dev.orchard.model.DecodeBusyException;
import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.model.ModelInput;
import dev.orchard.storage.Blob;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ForwardingBlobStore;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.StorageException;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.training.SampleDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** Reads are retried with backoff; what still fails, or is gone, or is not an image, is an errors row. */
class ImageFetcherTests {

    @TempDir
    Path root;

    LocalBlobStore local;
    ObjectRef image;
    final ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(1), 1_000_000));
    final ModelInput input = new ModelInput(28, 28, 1, ModelInput.Scaling.UNIT);

    @BeforeEach
    void anImage() throws IOException {
        local = new LocalBlobStore(root, Clock.systemUTC());
        image = local.put(
                "data",
                "batch/a.png",
                Files.readAllBytes(SampleDataset.images("bag", 1).get(0)),
                WritePrecondition.none());
    }

    @Test
    void aTransientReadFailureIsRetried() throws Exception {
        FlakyStore flaky = new FlakyStore(local, 2);

        Fetched fetched = new ImageFetcher(flaky, decoder, input, 4, 1).process(new ListedObject(7, image));

        assertThat(fetched).isInstanceOf(Fetched.Decoded.class);
        assertThat(fetched.index()).isEqualTo(7);
        assertThat(((Fetched.Decoded) fetched).tensor())
                .as("kept as 8-bit samples, scaled to exactly what the decoder gives")
                .isEqualTo(decoder.decode(
                        local.get("data", "batch/a.png").orElseThrow().content(), input));
        assertThat(flaky.calls.get()).isEqualTo(3);
    }

    @Test
    void aReadThatKeepsFailingBecomesAReadFailureRow() throws Exception {
        FlakyStore broken = new FlakyStore(local, Integer.MAX_VALUE);

        Fetched fetched = new ImageFetcher(broken, decoder, input, 3, 1).process(new ListedObject(0, image));

        assertThat(fetched).isInstanceOfSatisfying(Fetched.Unscorable.class, u -> {
            assertThat(u.reason()).isEqualTo("READ_FAILURE");
            assertThat(u.error()).contains("after 3 attempts").contains("storage is down");
        });
        assertThat(broken.calls.get()).isEqualTo(3);
    }

    @Test
    void aDeletedObjectAndAFileThatIsNotAnImageAreRows() throws Exception {
        ObjectRef text = local.put("data", "batch/notes.txt", "hello".getBytes(), WritePrecondition.none());
        local.delete("data", "batch/a.png");
        ImageFetcher fetcher = new ImageFetcher(local, decoder, input, 2, 1);

        assertThat(fetcher.process(new ListedObject(0, image)))
                .isInstanceOfSatisfying(
                        Fetched.Unscorable.class, u -> assertThat(u.reason()).isEqualTo("NOT_FOUND"));
        assertThat(fetcher.process(new ListedObject(1, text)))
                .isInstanceOfSatisfying(
                        Fetched.Unscorable.class, u -> assertThat(u.reason()).isEqualTo("NOT_AN_IMAGE"));
    }

    /** Fails the first {@code failures} reads with a storage error, then reads through. */
    @Test
    void aDecodeRefusedOnlyBecauseTheBudgetIsBusyIsTriedAgainAndNeverAnErrorsRow() throws Exception {
        // given: the whole decode budget held by another decode, given back a little later
        DecodeBudget budget = new DecodeBudget(4L << 20, Duration.ofMillis(20));
        ImageDecoder bounded = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(1), 1_000_000), budget);
        DecodeBudget.Reservation held = budget.reserve(4L << 20, "another image");

        // when: one try only, it is busy and says so instead of writing an errors row
        assertThatThrownBy(() -> new ImageFetcher(local, bounded, input, 1, 1).process(new ListedObject(1, image)))
                .isInstanceOf(DecodeBusyException.class);
        CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS).execute(held::close);
        Fetched fetched = new ImageFetcher(local, bounded, input, 6, 40).process(new ListedObject(1, image));

        // then
        assertThat(fetched).isInstanceOf(Fetched.Decoded.class);
    }

    @Test
    void anObjectLargerThanAnImageMayBeIsAnErrorsRowWithoutBeingRead() throws Exception {
        // given: 3 MB under the prefix, the image limit is 1 MB
        ObjectRef huge = local.put("data", "batch/huge.png", new byte[3 << 20], WritePrecondition.none());

        // when
        Fetched fetched = new ImageFetcher(local, decoder, input, 4, 1).process(new ListedObject(2, huge));

        // then
        assertThat(fetched).isInstanceOfSatisfying(Fetched.Unscorable.class, unscorable -> {
            assertThat(unscorable.reason()).isEqualTo("TOO_LARGE");
            assertThat(unscorable.error()).contains("is 3145728 bytes; the limit is 1048576");
        });
    }

    static final class FlakyStore extends ForwardingBlobStore {
        private final int failures;
        final AtomicInteger calls = new AtomicInteger();

        FlakyStore(BlobStore delegate, int failures) {
            super(delegate);
            this.failures = failures;
        }

        @Override
        public Optional<Blob> get(String bucket, String name, long maxBytes) {
            if (calls.incrementAndGet() <= failures) {
                throw new StorageException("storage is down", new IOException("connection reset"));
            }
            return delegate.get(bucket, name, maxBytes);
        }
    }
}

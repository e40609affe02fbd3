package dev.orchard.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The {@link BlobStore} contract; every adapter runs this suite. */
abstract class BlobStoreContractTests {

    static final String BUCKET = "contract-bucket";

    abstract BlobStore store();

    /**
     * Whether the backend under test is safe for concurrent writers and answers a compare-and-swap
     * on a missing object; google-cloud-nio's fake is neither (see GcsBlobStoreTests).
     */
    boolean fullFidelity() {
        return true;
    }

    @Test
    void roundTripsContentWithItsGeneration() {
        // when
        ObjectRef ref = store().put(BUCKET, "a/b/c.txt", "hello".getBytes(UTF_8), WritePrecondition.none());

        // then
        Blob blob = store().get(BUCKET, "a/b/c.txt").orElseThrow();
        assertThat(new String(blob.content(), UTF_8)).isEqualTo("hello");
        assertThat(blob.ref()).isEqualTo(ref);
        assertThat(store().stat(BUCKET, "a/b/c.txt").orElseThrow().size()).isEqualTo(5);
    }

    @Test
    void boundedReadsRefuseLargerObjectsBeforeReadingThem() {
        // given
        store().put(BUCKET, "big.bin", new byte[100_000], WritePrecondition.none());

        // then: within the limit it is read; beyond it, refused with the size
        assertThat(store().get(BUCKET, "big.bin", 100_000).orElseThrow().content())
                .hasSize(100_000);
        assertThatThrownBy(() -> store().get(BUCKET, "big.bin", 99_999))
                .isInstanceOf(ObjectTooLargeException.class)
                .hasMessageContaining("is 100000 bytes; the limit is 99999");
        ObjectRef ref = store().stat(BUCKET, "big.bin").orElseThrow().ref();
        assertThatThrownBy(() -> store().get(ref, 10)).isInstanceOf(ObjectTooLargeException.class);
        assertThat(store().get(BUCKET, "missing.bin", 10)).isEmpty();
    }

    @Test
    void missingObjectsAreEmpty() {
        assertThat(store().get(BUCKET, "nope.txt")).isEmpty();
        assertThat(store().stat(BUCKET, "nope.txt")).isEmpty();
        assertThat(store().delete(BUCKET, "nope.txt")).isFalse();
    }

    @Test
    void overwriteCreatesAGreaterGeneration() {
        // given
        ObjectRef first = store().put(BUCKET, "x.txt", "1".getBytes(UTF_8), WritePrecondition.none());

        // when
        ObjectRef second = store().put(BUCKET, "x.txt", "2".getBytes(UTF_8), WritePrecondition.none());

        // then
        assertThat(second.generation()).isGreaterThan(first.generation());
        assertThat(store().get(first)).isEmpty();
        assertThat(new String(store().get(second).orElseThrow().content(), UTF_8))
                .isEqualTo("2");
    }

    @Test
    void createOnlyFailsWhenTheObjectExists() {
        // given
        store().put(BUCKET, "once.txt", "first".getBytes(UTF_8), WritePrecondition.doesNotExist());

        // when / then
        assertThatThrownBy(() ->
                        store().put(BUCKET, "once.txt", "second".getBytes(UTF_8), WritePrecondition.doesNotExist()))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(new String(store().get(BUCKET, "once.txt").orElseThrow().content(), UTF_8))
                .isEqualTo("first");
    }

    @Test
    void generationMatchIsACompareAndSwap() {
        // given
        ObjectRef current = store().put(BUCKET, "alias.json", "v1".getBytes(UTF_8), WritePrecondition.none());

        // when
        ObjectRef swapped = store().put(
                        BUCKET,
                        "alias.json",
                        "v2".getBytes(UTF_8),
                        WritePrecondition.generationMatch(current.generation()));

        // then
        assertThat(swapped.generation()).isGreaterThan(current.generation());
        assertThatThrownBy(() -> store().put(
                                BUCKET,
                                "alias.json",
                                "v3".getBytes(UTF_8),
                                WritePrecondition.generationMatch(current.generation())))
                .isInstanceOf(PreconditionFailedException.class);
        assertThat(new String(store().get(BUCKET, "alias.json").orElseThrow().content(), UTF_8))
                .isEqualTo("v2");
    }

    @Test
    void compareAndSwapOnAMissingObjectFails() {
        assumeTrue(fullFidelity(), "the test double cannot compare-and-swap a missing object");
        assertThatThrownBy(() ->
                        store().put(BUCKET, "missing.json", "v".getBytes(UTF_8), WritePrecondition.generationMatch(1)))
                .isInstanceOf(PreconditionFailedException.class);
    }

    @Test
    void concurrentCompareAndSwapHasExactlyOneWinner() throws Exception {
        assumeTrue(fullFidelity(), "the test double is not safe for concurrent writers");
        // given
        ObjectRef start = store().put(BUCKET, "race.json", "0".getBytes(UTF_8), WritePrecondition.none());
        ExecutorService pool = Executors.newFixedThreadPool(10);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> attempts = new ArrayList<>();

        // when
        for (int i = 0; i < 10; i++) {
            String value = "winner-" + i;
            attempts.add(pool.submit(() -> {
                go.await();
                try {
                    store().put(
                                    BUCKET,
                                    "race.json",
                                    value.getBytes(UTF_8),
                                    WritePrecondition.generationMatch(start.generation()));
                    return true;
                } catch (PreconditionFailedException lost) {
                    return false;
                }
            }));
        }
        go.countDown();
        int winners = 0;
        for (Future<Boolean> attempt : attempts) {
            winners += attempt.get() ? 1 : 0;
        }
        pool.shutdown();

        // then
        assertThat(winners).isEqualTo(1);
    }

    @Test
    void listsByPrefixSortedByName() {
        // given
        store().put(BUCKET, "list/b.txt", new byte[1], WritePrecondition.none());
        store().put(BUCKET, "list/a.txt", new byte[2], WritePrecondition.none());
        store().put(BUCKET, "list/sub/c.txt", new byte[3], WritePrecondition.none());
        store().put(BUCKET, "listing.txt", new byte[4], WritePrecondition.none());

        // when
        List<String> names =
                store().list(BUCKET, "list/").stream().map(o -> o.ref().name()).toList();

        // then
        assertThat(names).containsExactly("list/a.txt", "list/b.txt", "list/sub/c.txt");
        assertThat(store().list(BUCKET, "list").stream().map(o -> o.ref().name()))
                .contains("listing.txt", "list/a.txt");
        assertThat(store().list(BUCKET, "absent/")).isEmpty();
    }

    @Test
    void deleteRemovesTheObject() {
        // given
        store().put(BUCKET, "gone.txt", new byte[1], WritePrecondition.none());

        // when / then
        assertThat(store().delete(BUCKET, "gone.txt")).isTrue();
        assertThat(store().get(BUCKET, "gone.txt")).isEmpty();
    }

    @Test
    void refusesNamesThatEscapeTheBucket() {
        for (String name : List.of("../etc/passwd", "/abs/path", "a/../../b", "a//b", "a\\b", "", "./x")) {
            assertThatThrownBy(() -> store().put(BUCKET, name, new byte[1], WritePrecondition.none()))
                    .as(name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> store().get(BUCKET, "../secret")).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.model.ImageDecoder;
import dev.orchard.model.ImageLimits;
import dev.orchard.model.ModelInput;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.training.SampleDataset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.util.unit.DataSize;
import tools.jackson.databind.json.JsonMapper;

/**
 * Objects are fetched ahead on another thread, returned in plan order, and the saved restart
 * position counts only what was returned: a restart fetches the read-ahead again, never skips it.
 */
class ReadAheadFetcherTests {

    static final int CHUNK = 4;

    @TempDir
    Path root;

    final JsonMapper json = JsonMapper.builder().build();
    final ImageDecoder decoder = new ImageDecoder(ImageLimits.of(DataSize.ofMegabytes(1), 1_000_000));
    final ModelInput input = new ModelInput(28, 28, 1, ModelInput.Scaling.UNIT);
    final JobOutput output = JobOutput.of("data", "score", "r1");
    LocalBlobStore store;
    final AtomicInteger fetches = new AtomicInteger();
    ImageFetcher counting;
    PrefixPlan plan;
    List<ObjectRef> objects = new ArrayList<>();

    @BeforeEach
    void elevenObjectsOneOfThemCorrupt() throws Exception {
        store = new LocalBlobStore(root, Clock.systemUTC());
        List<Path> images = SampleDataset.images("bag", 11);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 11; i++) {
            byte[] content =
                    i == 6 ? "not an image".getBytes(StandardCharsets.UTF_8) : Files.readAllBytes(images.get(i));
            ObjectRef ref = store.put("data", "batch/img-%02d.png".formatted(i), content, WritePrecondition.none());
            objects.add(ref);
            lines.append("{\"name\":\"%s\",\"generation\":%d}%n".formatted(ref.name(), ref.generation()));
        }
        plan = new PrefixPlan("data", "batch/", "m", 1, 11, CHUNK, PrefixPlan.split(11, CHUNK, 1, 1, 1));
        store.put(
                "data",
                output.partition(0),
                lines.toString().getBytes(StandardCharsets.UTF_8),
                WritePrecondition.none());
        counting = new ImageFetcher(store, decoder, input, 2, 1) {
            @Override
            public Fetched process(ListedObject item) throws InterruptedException {
                fetches.incrementAndGet();
                return super.process(item);
            }
        };
    }

    ReadAheadFetcher fetcher() {
        return new ReadAheadFetcher(new PartitionReader(store, json, output, plan, 0), counting, CHUNK);
    }

    @Test
    void returnsEveryObjectInPlanOrderWithBadOnesAsErrorRows() throws Exception {
        ReadAheadFetcher fetcher = fetcher();
        fetcher.open(new ExecutionContext());
        List<Fetched> all = new ArrayList<>();
        for (Fetched f; (f = fetcher.read()) != null; ) {
            all.add(f);
        }
        fetcher.close();

        assertThat(all).extracting(Fetched::index).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        assertThat(all)
                .extracting(f -> f.ref().name())
                .containsExactlyElementsOf(objects.stream().map(ObjectRef::name).toList());
        assertThat(all.get(6)).isInstanceOfSatisfying(Fetched.Unscorable.class, u -> assertThat(u.reason())
                .isEqualTo("NOT_AN_IMAGE"));
        assertThat(all).filteredOn(f -> f instanceof Fetched.Decoded).hasSize(10);
        assertThat(((Fetched.Decoded) all.get(0)).tensor())
                .isEqualTo(decoder.decode(
                        store.get("data", objects.get(0).name()).orElseThrow().content(), input));
    }

    @Test
    void theSavedPositionCountsReturnedItemsSoARestartRefetchesTheReadAhead() throws Exception {
        ExecutionContext context = new ExecutionContext();
        ReadAheadFetcher first = fetcher();
        first.open(context);
        List<Integer> firstRun = new ArrayList<>();
        for (int i = 0; i < CHUNK; i++) {
            firstRun.add(first.read().index());
        }
        first.update(context); // the chunk commits here
        // the next chunk was already being fetched when the worker "crashed"
        await().atMost(Duration.ofSeconds(10)).until(() -> fetches.get() > CHUNK);
        first.close();
        assertThat(context.getInt(PartitionReader.POSITION)).isEqualTo(CHUNK);

        ReadAheadFetcher restarted = fetcher();
        restarted.open(context);
        List<Integer> secondRun = new ArrayList<>();
        for (Fetched f; (f = restarted.read()) != null; ) {
            secondRun.add(f.index());
        }
        restarted.update(context);
        restarted.close();

        assertThat(firstRun).containsExactly(0, 1, 2, 3);
        assertThat(secondRun).containsExactly(4, 5, 6, 7, 8, 9, 10);
        assertThat(context.getInt(PartitionReader.POSITION)).isEqualTo(11);
    }
}

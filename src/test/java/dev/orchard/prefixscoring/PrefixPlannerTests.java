package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.WritePrecondition;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

class PrefixPlannerTests {

    @TempDir
    Path root;

    @Test
    void theConfiguredMinimumAndThreadsShapeThePartitionsAndTheRequestStillCapsThem() {
        // given: 96 objects in 4-object chunks = 24 chunks
        LocalBlobStore store = new LocalBlobStore(root, Clock.systemUTC());
        for (int i = 0; i < 96; i++) {
            store.put("data", String.format("batch/img-%03d.png", i), new byte[] {1}, WritePrecondition.none());
        }
        PrefixPlanner planner = new PrefixPlanner(store, JsonMapper.builder().build(), properties(8, 2));

        // when
        PrefixPlan defaults = planner.planOrReuse(JobOutput.of("data", "score", "a"), "data", "batch/", "m", 1, 16);
        PrefixPlan capped = planner.planOrReuse(JobOutput.of("data", "score", "b"), "data", "batch/", "m", 1, 1);
        PrefixPlan fine = new PrefixPlanner(store, JsonMapper.builder().build(), properties(1, 2))
                .planOrReuse(JobOutput.of("data", "score", "c"), "data", "batch/", "m", 1, 16);

        // then: at least 8 chunks each would be 3 partitions; in whole rounds of 2 threads, 2
        assertThat(defaults.partitions())
                .extracting(PrefixPlan.Partition::chunks)
                .containsExactly(12, 12);
        assertThat(defaults.total()).isEqualTo(96);
        assertThat(capped.partitions()).hasSize(1);
        assertThat(fine.partitions()).hasSize(16);
        assertThat(planner.read(JobOutput.of("data", "score", "a"))).contains(defaults);
    }

    private static PrefixJobProperties properties(int minPartitionChunks, int threads) {
        return new PrefixJobProperties(threads, 16, minPartitionChunks, 4, 32, 3, 1, 3, Duration.ofSeconds(30), 4);
    }
}

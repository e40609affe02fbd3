package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixPlanTests {

    @Test
    void partitionsAreWholeChunksCoveringEveryObjectOnce() {
        for (int total : new int[] {0, 1, 15, 16, 17, 300, 1000, 4097}) {
            for (int max : new int[] {1, 3, 8, 100}) {
                List<PrefixPlan.Partition> partitions = PrefixPlan.split(total, 16, max);
                int next = 0;
                int nextChunk = 0;
                for (PrefixPlan.Partition p : partitions) {
                    assertThat(p.firstObject()).isEqualTo(next);
                    assertThat(p.firstChunk()).isEqualTo(nextChunk);
                    assertThat(p.firstObject()).isEqualTo(p.firstChunk() * 16);
                    next += p.objects();
                    nextChunk += p.chunks();
                }
                assertThat(next).as("total %d, max %d", total, max).isEqualTo(total);
                assertThat(partitions.size()).isBetween(1, Math.max(1, max));
                int sizes = partitions.stream()
                                .mapToInt(PrefixPlan.Partition::chunks)
                                .max()
                                .orElse(0)
                        - partitions.stream()
                                .mapToInt(PrefixPlan.Partition::chunks)
                                .min()
                                .orElse(0);
                assertThat(sizes).as("balanced").isLessThanOrEqualTo(1);
            }
        }
    }
}

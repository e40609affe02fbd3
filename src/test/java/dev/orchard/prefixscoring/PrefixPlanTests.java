package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixPlanTests {

    @Test
    void partitionsAreWholeChunksCoveringEveryObjectOnce() {
        for (int total : new int[] {0, 1, 15, 16, 17, 300, 1000, 4097}) {
            for (int max : new int[] {1, 3, 8, 100}) {
                for (int minChunks : new int[] {1, 2, 8, 1000}) {
                    for (int threads : new int[] {1, 2, 3, 16}) {
                        assertCovers(PrefixPlan.split(total, 16, max, minChunks, threads), total, max);
                    }
                }
            }
        }
    }

    @Test
    void partitionsHoldAtLeastTheMinimumChunksInWholeRoundsOfThreads() {
        // 3,000 images in 128-image chunks: 24 chunks; at least 8 each would be 3, in rounds of 2 threads 2
        assertThat(chunks(PrefixPlan.split(3000, 128, 16, 8, 2))).containsExactly(12, 12);
        // 10,000 images: 79 chunks → 9 → 8 partitions of 9-10 chunks
        assertThat(chunks(PrefixPlan.split(10_000, 128, 16, 8, 2))).hasSize(8).allMatch(c -> c >= 9);
        // the most partitions still caps it
        assertThat(PrefixPlan.split(100_000, 128, 16, 8, 2)).hasSize(16);
        assertThat(PrefixPlan.split(3000, 128, 1, 8, 2)).hasSize(1);
        // too few chunks for the minimum: still one partition per thread while there are chunks
        assertThat(chunks(PrefixPlan.split(1000, 128, 16, 8, 2))).containsExactly(4, 4);
        assertThat(chunks(PrefixPlan.split(1000, 128, 16, 8, 4))).containsExactly(2, 2, 2, 2);
        assertThat(chunks(PrefixPlan.split(100, 128, 16, 8, 2))).containsExactly(1);
        // fewer partitions than threads after the minimum: one per thread (24 chunks, 4 threads)
        assertThat(chunks(PrefixPlan.split(3000, 128, 16, 8, 4))).containsExactly(6, 6, 6, 6);
        // a minimum of 1 is the old rule: as many partitions as allowed
        assertThat(PrefixPlan.split(3000, 128, 16, 1, 2)).hasSize(16);
        assertThat(PrefixPlan.split(3000, 128, 16, 1, 2))
                .usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(PrefixPlan.split(3000, 128, 16, 1, 1));
    }

    private static List<Integer> chunks(List<PrefixPlan.Partition> partitions) {
        return partitions.stream().map(PrefixPlan.Partition::chunks).toList();
    }

    private static void assertCovers(List<PrefixPlan.Partition> partitions, int total, int max) {
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
        int sizes =
                partitions.stream().mapToInt(PrefixPlan.Partition::chunks).max().orElse(0)
                        - partitions.stream()
                                .mapToInt(PrefixPlan.Partition::chunks)
                                .min()
                                .orElse(0);
        assertThat(sizes).as("balanced").isLessThanOrEqualTo(1);
    }
}

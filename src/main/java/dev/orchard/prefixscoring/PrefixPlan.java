package dev.orchard.prefixscoring;

import java.util.ArrayList;
import java.util.List;

/**
 * What a job scores, fixed at its first run and reused by every restart ({@code _plan/plan.json}):
 * the pinned model version, the objects listed under the prefix (in {@code _plan/partition-*.jsonl}),
 * and their split into partitions of whole chunks. Chunk {@code c} covers objects {@code
 * [c*chunkSize, (c+1)*chunkSize)} and writes shard {@code c}.
 */
record PrefixPlan(
        String bucket, String prefix, String model, int version, int total, int chunkSize, List<Partition> partitions) {

    /** @param firstObject index of its first object; objects it holds; chunks {@code [firstChunk, firstChunk+chunks)} */
    record Partition(int index, int firstObject, int objects, int firstChunk, int chunks) {}

    /**
     * Splits {@code total} objects into at most {@code maxPartitions} balanced runs of whole chunks,
     * each of at least {@code minChunks} chunks where there are enough, in whole rounds of {@code
     * threads} (the partitions scored at once) — but never fewer partitions than threads while there
     * are chunks for them. A partition's first and last chunk cannot overlap decoding with
     * inference, so short partitions leave cores idle; whole rounds leave no thread alone at the end.
     */
    static List<Partition> split(int total, int chunkSize, int maxPartitions, int minChunks, int threads) {
        int chunks = (total + chunkSize - 1) / chunkSize;
        int count = chunks / Math.max(1, minChunks);
        if (count > threads) {
            count -= count % threads;
        }
        count = Math.max(count, Math.min(threads, chunks));
        count = Math.max(1, Math.min(maxPartitions, count));
        List<Partition> partitions = new ArrayList<>();
        int chunk = 0;
        for (int p = 0; p < count && chunk < Math.max(chunks, 1); p++) {
            int take = chunks / count + (p < chunks % count ? 1 : 0);
            int first = chunk * chunkSize;
            int objects = Math.max(0, Math.min(total, (chunk + take) * chunkSize) - first);
            partitions.add(new Partition(p, first, objects, chunk, take));
            chunk += take;
        }
        return partitions;
    }
}

/**
 * Batch scoring of a whole prefix ({@code {"job":"score","input":"gs://B/prefix/"}}, {@code POST
 * /jobs}): the {@code score-prefix} Spring Batch job plans the listing into chunk-aligned
 * partitions, scores partitions in parallel (each reads and decodes a chunk ahead on its own
 * thread, {@link dev.orchard.prefixscoring.ReadAheadFetcher}; batched inference per chunk in the
 * writer), writes Vertex-style {@code predictions-NNNNN.jsonl} / {@code
 * errors-NNNNN.jsonl} shards named by chunk number, and {@code summary.json} last. Shard names are
 * a function of the plan, so a chunk re-run after a crash overwrites its own shard: every object
 * ends in exactly one line.
 */
package dev.orchard.prefixscoring;

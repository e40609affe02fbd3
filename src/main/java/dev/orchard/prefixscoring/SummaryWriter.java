package dev.orchard.prefixscoring;

import dev.orchard.storage.BlobStore;
import dev.orchard.storage.StoredObject;
import dev.orchard.storage.WritePrecondition;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@code summary.json} after every partition completed: counts taken from the shards
 * themselves (so the summary says what is really there), checked against the plan — every
 * planned object in exactly one line, or the job fails instead of claiming completion.
 */
final class SummaryWriter {

    private final BlobStore store;
    private final JsonMapper json;

    SummaryWriter(BlobStore store, JsonMapper json) {
        this.store = store;
        this.json = json;
    }

    Summary write(
            JobOutput output,
            PrefixPlan plan,
            String job,
            String run,
            Instant startedAt,
            Instant finishedAt,
            int executions,
            String trace) {
        Set<String> seen = new HashSet<>();
        int predictions = 0;
        int errors = 0;
        int shards = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        List<StoredObject> files = store.list(output.bucket(), output.directory());
        for (StoredObject file : files) {
            String name = file.ref().name().substring(output.directory().length());
            boolean prediction = name.startsWith("predictions-");
            if (!prediction && !name.startsWith("errors-")) {
                continue;
            }
            shards += prediction ? 1 : 0;
            String content = store.get(output.bucket(), file.ref().name())
                    .map(b -> new String(b.content(), StandardCharsets.UTF_8))
                    .orElse("");
            for (String line : content.lines().filter(l -> !l.isBlank()).toList()) {
                String[] row = JsonLines.values(json, line, "object", "reason");
                String object = row[0] == null ? "" : row[0];
                if (!seen.add(object)) {
                    throw new IllegalStateException(output.directory() + ": object " + object + " appears twice");
                }
                if (prediction) {
                    predictions++;
                } else {
                    errors++;
                    reasons.merge(row[1] == null ? "" : row[1], 1, Integer::sum);
                }
            }
        }
        if (seen.size() != plan.total()) {
            throw new IllegalStateException(output.directory() + ": the shards hold " + seen.size()
                    + " objects but the plan has " + plan.total());
        }
        double seconds = Math.max(0.001, Duration.between(startedAt, finishedAt).toMillis() / 1000.0);
        Summary summary = new Summary(
                job,
                run,
                "gs://" + plan.bucket() + "/" + plan.prefix(),
                plan.model(),
                plan.version(),
                plan.total(),
                predictions,
                errors,
                reasons,
                shards,
                plan.partitions().size(),
                executions,
                startedAt,
                finishedAt,
                seconds,
                plan.total() / seconds,
                trace);
        store.put(output.bucket(), output.summary(), json.writeValueAsBytes(summary), WritePrecondition.none());
        return summary;
    }

    /** {@code summary.json}; its presence means the job's output is complete. */
    record Summary(
            String job,
            String run,
            String input,
            String model,
            int version,
            int objects,
            int predictions,
            int errors,
            Map<String, Integer> errorsByReason,
            int predictionShards,
            int partitions,
            int executions,
            Instant startedAt,
            Instant finishedAt,
            double durationSeconds,
            double imagesPerSecond,

            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            String trace) {}
}

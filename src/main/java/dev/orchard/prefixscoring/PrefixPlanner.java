package dev.orchard.prefixscoring;

import dev.orchard.storage.BlobStore;
import dev.orchard.storage.StoredObject;
import dev.orchard.storage.WritePrecondition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * Lists the prefix once and writes the plan. The plan file is written last and create-only, so a
 * job restarted after a crash reuses the first run's listing, partitions and pinned model version
 * (a crash before it simply plans again).
 */
final class PrefixPlanner {

    private static final Logger log = LoggerFactory.getLogger(PrefixPlanner.class);

    private final BlobStore store;
    private final JsonMapper json;
    private final PrefixJobProperties properties;

    PrefixPlanner(BlobStore store, JsonMapper json, PrefixJobProperties properties) {
        this.store = store;
        this.json = json;
        this.properties = properties;
    }

    PrefixPlan planOrReuse(
            JobOutput output, String bucket, String prefix, String model, int version, int maxPartitions) {
        Optional<PrefixPlan> existing = read(output);
        if (existing.isPresent()) {
            log.info(
                    "{}: reusing the plan of the first run ({} objects, version {})",
                    output.directory(),
                    existing.get().total(),
                    existing.get().version());
            return existing.get();
        }
        List<StoredObject> listed = store.list(bucket, prefix).stream()
                .filter(o -> !o.ref().name().endsWith("/"))
                .toList();
        List<PrefixPlan.Partition> partitions = PrefixPlan.split(
                listed.size(),
                properties.chunkSize(),
                maxPartitions,
                properties.minPartitionChunks(),
                properties.threads());
        for (PrefixPlan.Partition partition : partitions) {
            List<PlannedObject> lines = new ArrayList<>(partition.objects());
            for (int i = partition.firstObject(); i < partition.firstObject() + partition.objects(); i++) {
                StoredObject object = listed.get(i);
                lines.add(new PlannedObject(object.ref().name(), object.ref().generation()));
            }
            store.put(
                    output.bucket(),
                    output.partition(partition.index()),
                    JsonLines.write(json, lines),
                    WritePrecondition.none());
        }
        PrefixPlan plan =
                new PrefixPlan(bucket, prefix, model, version, listed.size(), properties.chunkSize(), partitions);
        store.put(output.bucket(), output.plan(), json.writeValueAsBytes(plan), WritePrecondition.doesNotExist());
        log.info(
                "{}: planned {} objects under gs://{}/{} in {} partition(s) of {}-image chunks, model {} version {}",
                output.directory(),
                listed.size(),
                bucket,
                prefix,
                partitions.size(),
                properties.chunkSize(),
                model,
                version);
        return plan;
    }

    /** One line of a partition's plan file: an object and the generation the job scores. */
    record PlannedObject(String name, long generation) {}

    Optional<PrefixPlan> read(JobOutput output) {
        return store.get(output.bucket(), output.plan()).map(blob -> json.readValue(blob.content(), PrefixPlan.class));
    }
}

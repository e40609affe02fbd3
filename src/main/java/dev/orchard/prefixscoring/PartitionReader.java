package dev.orchard.prefixscoring;

import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.batch.infrastructure.item.ExecutionContext;
import org.springframework.batch.infrastructure.item.ItemStreamException;
import org.springframework.batch.infrastructure.item.ItemStreamReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads one partition's objects from its plan file. Restartable: the position is saved with every
 * committed chunk, so a restart resumes at the first uncommitted chunk.
 */
class PartitionReader implements ItemStreamReader<ListedObject> {

    /** The execution-context key of the restart position: objects of the partition already written. */
    static final String POSITION = "position";

    private final BlobStore store;
    private final JsonMapper json;
    private final JobOutput output;
    private final PrefixPlan plan;
    private final PrefixPlan.Partition partition;
    private List<String> lines;
    private int position;

    PartitionReader(BlobStore store, JsonMapper json, JobOutput output, PrefixPlan plan, int partition) {
        this.store = store;
        this.json = json;
        this.output = output;
        this.plan = plan;
        this.partition = plan.partitions().get(partition);
    }

    @Override
    public void open(ExecutionContext context) {
        String content = store.get(output.bucket(), output.partition(partition.index()))
                .map(blob -> new String(blob.content(), StandardCharsets.UTF_8))
                .orElseThrow(() -> new ItemStreamException("the plan file of partition " + partition.index()
                        + " is missing: " + output.partition(partition.index())));
        lines = content.lines().filter(l -> !l.isBlank()).toList();
        if (lines.size() != partition.objects()) {
            throw new ItemStreamException("partition " + partition.index() + " plan holds " + lines.size()
                    + " objects, expected " + partition.objects());
        }
        position = context.getInt(POSITION, 0);
    }

    @Override
    public ListedObject read() {
        if (position >= lines.size()) {
            return null;
        }
        String[] line = JsonLines.values(json, lines.get(position), "name", "generation");
        if (line[0] == null || line[1] == null) {
            throw new ItemStreamException("partition " + partition.index() + " plan line " + (position + 1)
                    + " has no object name or generation: " + lines.get(position));
        }
        long generation;
        try {
            generation = Long.parseLong(line[1]);
        } catch (NumberFormatException e) {
            throw new ItemStreamException("partition " + partition.index() + " plan line " + (position + 1)
                    + " has a generation that is not a whole number: " + line[1]);
        }
        ListedObject object =
                new ListedObject(partition.firstObject() + position, new ObjectRef(plan.bucket(), line[0], generation));
        position++;
        return object;
    }

    @Override
    public void update(ExecutionContext context) {
        context.putInt(POSITION, position);
    }

    @Override
    public void close() {
        lines = null;
    }
}

package dev.orchard.prefixscoring;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.batch.core.partition.Partitioner;
import org.springframework.batch.infrastructure.item.ExecutionContext;

/** One execution context per planned partition ({@code partition} = its index in the plan). */
class PlanPartitioner implements Partitioner {

    private final PrefixPlan plan;

    PlanPartitioner(PrefixPlan plan) {
        this.plan = plan;
    }

    @Override
    public Map<String, ExecutionContext> partition(int gridSize) {
        Map<String, ExecutionContext> contexts = new LinkedHashMap<>();
        for (PrefixPlan.Partition partition : plan.partitions()) {
            ExecutionContext context = new ExecutionContext();
            context.putInt("partition", partition.index());
            contexts.put(String.format(Locale.ROOT, "partition-%05d", partition.index()), context);
        }
        return contexts;
    }
}

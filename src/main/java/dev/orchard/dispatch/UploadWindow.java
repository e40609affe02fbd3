package dev.orchard.dispatch;

import dev.orchard.storage.ObjectRef;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A short window of uploads for one spec, scored by one {@code score-uploads} job execution. The
 * job reports each object's {@link Outcome} here; objects it never reports count as failed.
 */
public record UploadWindow(String id, JobSpec spec, List<ObjectRef> objects, Map<ObjectRef, Outcome> outcomes) {

    public UploadWindow(String id, JobSpec spec, List<ObjectRef> objects) {
        this(id, spec, List.copyOf(objects), new ConcurrentHashMap<>());
    }

    public void report(ObjectRef object, Outcome outcome) {
        outcomes.put(object, outcome);
    }

    public Outcome outcomeOf(ObjectRef object) {
        return outcomes.getOrDefault(object, Outcome.FAILED);
    }
}

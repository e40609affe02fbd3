package dev.orchard.uploads;

import dev.orchard.storage.ObjectRef;
import dev.orchard.system.Outcome;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A short window of uploads for one spec, scored by one {@code score-uploads} job execution. The
 * job reports each object's {@link Outcome} here; objects it never reports count as failed.
 *
 * @param traces the trace context (a W3C {@code traceparent} when spans are on, else the trace id) of
 *     the notification or request that brought each object, where known
 */
public record UploadWindow(
        String id,
        UploadSpec spec,
        List<ObjectRef> objects,
        Map<ObjectRef, Outcome> outcomes,
        Map<ObjectRef, String> traces) {

    public UploadWindow(String id, UploadSpec spec, List<ObjectRef> objects) {
        this(id, spec, objects, Map.of());
    }

    public UploadWindow(String id, UploadSpec spec, List<ObjectRef> objects, Map<ObjectRef, String> traces) {
        this(id, spec, List.copyOf(objects), new ConcurrentHashMap<>(), Map.copyOf(traces));
    }

    /** The trace id of {@code object}'s notification or request, or {@code null}. */
    public String traceOf(ObjectRef object) {
        return dev.orchard.system.TraceIds.idOf(traces.get(object));
    }

    /** The trace context ({@code traceparent} or trace id) of {@code object}'s notification or request, or {@code null}. */
    public String contextOf(ObjectRef object) {
        return traces.get(object);
    }

    public void report(ObjectRef object, Outcome outcome) {
        outcomes.put(object, outcome);
    }

    public Outcome outcomeOf(ObjectRef object) {
        return outcomes.getOrDefault(object, Outcome.FAILED);
    }
}

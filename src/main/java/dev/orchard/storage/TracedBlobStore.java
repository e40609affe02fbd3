package dev.orchard.storage;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A store whose calls are spans ({@code storage get}, {@code put}, {@code stat}, {@code list},
 * {@code delete}, with bucket and object) — but only within a span already in scope (an upload
 * scored, a job step, a request): background polling starts no traces of its own.
 */
public final class TracedBlobStore implements BlobStore {

    private final BlobStore delegate;
    private final Tracer tracer;

    public TracedBlobStore(BlobStore delegate, Tracer tracer) {
        this.delegate = delegate;
        this.tracer = tracer;
    }

    /** The store under any tracing. */
    public static BlobStore unwrap(BlobStore store) {
        return store instanceof TracedBlobStore traced ? traced.delegate : store;
    }

    @Override
    public Optional<Blob> get(String bucket, String name, long maxBytes) {
        return traced("get", bucket, name, () -> delegate.get(bucket, name, maxBytes));
    }

    @Override
    public Optional<StoredObject> stat(String bucket, String name) {
        return traced("stat", bucket, name, () -> delegate.stat(bucket, name));
    }

    @Override
    public ObjectRef put(String bucket, String name, byte[] content, WritePrecondition precondition) {
        return traced("put", bucket, name, () -> delegate.put(bucket, name, content, precondition));
    }

    @Override
    public List<StoredObject> list(String bucket, String prefix) {
        return traced("list", bucket, prefix, () -> delegate.list(bucket, prefix));
    }

    @Override
    public boolean delete(String bucket, String name) {
        return traced("delete", bucket, name, () -> delegate.delete(bucket, name));
    }

    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "NP_NULL_ON_SOME_PATH_FROM_RETURN_VALUE",
            justification =
                    "Micrometer Tracing's nextSpan returns a span, never null; SpotBugs applies the parent parameter's @Nullable to the result")
    private <T> T traced(String operation, String bucket, String name, Supplier<T> call) {
        Span parent = tracer.currentSpan();
        if (parent == null) {
            return call.get();
        }
        Span span = tracer.nextSpan(parent)
                .name("storage " + operation)
                .tag("orchard.bucket", bucket)
                .tag("orchard.object", name)
                .start();
        try (Tracer.SpanInScope scope = tracer.withSpan(span)) {
            return call.get();
        } catch (RuntimeException e) {
            span.error(e);
            throw e;
        } finally {
            span.end();
        }
    }
}

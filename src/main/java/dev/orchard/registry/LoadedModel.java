package dev.orchard.registry;

import dev.orchard.model.Classifier;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loaded version with reference counting, so a swap never closes a model under a request.
 *
 * <p>The owner holds one reference from construction; every user takes a {@link Lease} with {@link
 * #lease()}. {@link #retire()} drops the owner's reference; the classifier (and its native memory)
 * is closed when the last lease is closed.
 */
public final class LoadedModel {

    private final ModelManifest manifest;
    private final Classifier classifier;
    private final AtomicInteger references = new AtomicInteger(1);

    public LoadedModel(ModelManifest manifest, Classifier classifier) {
        this.manifest = manifest;
        this.classifier = classifier;
    }

    public ModelManifest manifest() {
        return manifest;
    }

    /** A lease on this model (close it when done), or {@code null} if the model was already closed. */
    public Lease lease() {
        while (true) {
            int current = references.get();
            if (current == 0) {
                return null;
            }
            if (references.compareAndSet(current, current + 1)) {
                return new Lease(this);
            }
        }
    }

    /** Drops the owner's reference. */
    public void retire() {
        release();
    }

    boolean isClosed() {
        return references.get() == 0;
    }

    private void release() {
        if (references.decrementAndGet() == 0) {
            classifier.close();
        }
    }

    /** A user's hold on a model; close it when the request is done. */
    public static final class Lease implements AutoCloseable {

        private final LoadedModel model;
        private boolean closed;

        private Lease(LoadedModel model) {
            this.model = model;
        }

        public Classifier classifier() {
            return model.classifier;
        }

        public ModelManifest manifest() {
            return model.manifest;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                model.release();
            }
        }
    }
}

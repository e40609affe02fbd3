package dev.orchard.dispatch;

import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.registry.ModelReference;
import dev.orchard.retrain.RetrainProperties;
import dev.orchard.storage.ObjectRef;

/** Work asked of Orchard, whatever trigger it came from. Parsed and validated at the edge. */
public sealed interface JobRequest {

    /**
     * One uploaded object generation to score. Identity: {@code (bucket, object, generation)}; a
     * repeat of the same generation is a duplicate, a new generation is new work.
     *
     * @param source which trigger saw it, for logs ({@code local-watcher}, {@code pubsub}, …)
     */
    record ScoreUpload(ObjectRef object, String source) implements JobRequest {}

    /**
     * Score every image under {@code gs://bucket/prefix} with {@code model} (its champion or a
     * pinned version) as a batch job.
     *
     * @param id the run's idempotency key: the same id is the same run (a repeat is a no-op, or
     *     resumes it if it failed); {@code null} lets the trigger choose one
     * @param partitions most partitions to split the run into; {@code null} for the configured number
     */
    record ScorePrefix(String bucket, String prefix, ModelReference model, String id, Integer partitions)
            implements JobRequest {

        public ScorePrefix withId(String id) {
            return new ScorePrefix(bucket, prefix, model, id, partitions);
        }

        /** This request as the prefix-job feature takes it. */
        public PrefixJobs.Request forPrefixJobs() {
            return new PrefixJobs.Request(bucket, prefix, model, id, partitions);
        }
    }

    /**
     * Retrain {@code model} on the current data of its dataset (its retrain spec's, else its
     * champion's) — the one command every door uses: {@code POST /jobs}, Pub/Sub, schedules, new data.
     *
     * @param force retrain even if a version already learned from exactly this data
     * @param minAccuracy the gate's minimum accuracy, {@code null}: the spec's, else the default
     * @param maxRegression the most the candidate may trail the champion, {@code null}: the spec's, else the default
     * @param promote {@code AUTO} or {@code MANUAL}; {@code null}: the spec's, else the default
     * @param by who asked, for the audit log
     */
    record Retrain(
            String model,
            boolean force,
            Double minAccuracy,
            Double maxRegression,
            RetrainProperties.Promote promote,
            String by)
            implements JobRequest {

        public Retrain(String model, boolean force, String by) {
            this(model, force, null, null, null, by);
        }
    }

    /** Make {@code version} the champion of {@code model}. */
    record Promote(String model, int version, String by, String reason) implements JobRequest {}

    /** Point the champion of {@code model} back at the version it replaced. */
    record Rollback(String model, String by, String reason) implements JobRequest {}
}

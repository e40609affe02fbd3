package dev.orchard.prefixscoring;

import java.util.Locale;

/** Where a job's files live: {@code predictions/jobs/<job>/<run>/} in the data bucket. */
record JobOutput(String bucket, String directory) {

    static JobOutput of(String bucket, String job, String run) {
        return new JobOutput(bucket, "predictions/jobs/" + job + "/" + run + "/");
    }

    String plan() {
        return directory + "_plan/plan.json";
    }

    String partition(int index) {
        return directory + String.format(Locale.ROOT, "_plan/partition-%05d.jsonl", index);
    }

    /** The create-only claim of the worker that resumes the run after execution {@code executionId}. */
    String resumeClaim(long executionId) {
        return directory + "_plan/resume-after-" + executionId + ".json";
    }

    String predictions(int chunk) {
        return directory + String.format(Locale.ROOT, "predictions-%05d.jsonl", chunk);
    }

    String errors(int chunk) {
        return directory + String.format(Locale.ROOT, "errors-%05d.jsonl", chunk);
    }

    String summary() {
        return directory + "summary.json";
    }
}

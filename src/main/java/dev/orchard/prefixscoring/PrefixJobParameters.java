package dev.orchard.prefixscoring;

import java.util.Map;

/**
 * The parameters of a {@code score-prefix} execution. Identifying: {@code job}, {@code run},
 * {@code bucket}, {@code prefix}, {@code model}; {@code version} (the champion resolved when the
 * job was first submitted) is not, and the plan written by the first run wins on restarts.
 */
record PrefixJobParameters(
        String job,
        String run,
        String bucket,
        String prefix,
        String model,
        int version,
        String outputBucket,
        int partitions) {

    static PrefixJobParameters of(Map<String, Object> parameters) {
        return new PrefixJobParameters(
                text(parameters, "job"),
                text(parameters, "run"),
                text(parameters, "bucket"),
                parameters.get("prefix") == null ? "" : parameters.get("prefix").toString(),
                text(parameters, "model"),
                Integer.parseInt(text(parameters, "version")),
                text(parameters, "output-bucket"),
                Integer.parseInt(text(parameters, "partitions")));
    }

    JobOutput output() {
        return JobOutput.of(outputBucket, job, run);
    }

    private static String text(Map<String, Object> parameters, String name) {
        Object value = parameters.get(name);
        if (value == null) {
            throw new IllegalArgumentException("score-prefix job parameter '" + name + "' is missing");
        }
        return value.toString();
    }
}

package dev.orchard.uploads;

import dev.orchard.registry.ModelReference;
import java.util.List;
import java.util.Locale;

/**
 * One validated {@code kind: score} spec from {@code jobs/*.yaml}: it scores every object that
 * arrives under {@code trigger.storage} with the model's champion and writes one result per object
 * under {@code output}. The dispatcher's job specs also hold the other kinds ({@code score-prefix},
 * {@code retrain}).
 *
 * @param file the spec file, for messages
 */
public record UploadSpec(
        String name, Kind kind, StorageTrigger storage, ModelReference model, String output, int topK, String file) {

    public enum Kind {
        SCORE
    }

    /** Which uploads start this job. */
    public record StorageTrigger(String bucket, String prefix, List<String> suffixes) {

        public boolean matches(String bucket, String object) {
            if (!this.bucket.equals(bucket) || !object.startsWith(prefix)) {
                return false;
            }
            String lower = object.toLowerCase(Locale.ROOT);
            return suffixes.isEmpty() || suffixes.stream().anyMatch(lower::endsWith);
        }
    }

    /** Where the result of {@code object} goes: {@code <output><object>.json}. */
    public String resultName(String object) {
        return output + object + ".json";
    }

    /** Where the error result of {@code object} goes: {@code <output><object>.error.json}. */
    public String errorName(String object) {
        return output + object + ".error.json";
    }
}

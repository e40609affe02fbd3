package dev.orchard.dispatch;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The YAML shape of a spec, before validation (every field optional here; {@link JobSpecs} checks). */
record JobSpecFile(
        String name,
        String kind,
        Trigger trigger,
        String model,
        String output,
        @JsonProperty("top-k") Integer topK,
        String input,
        Integer partitions) {

    record Trigger(Storage storage, String schedule) {}

    record Storage(String bucket, String prefix, List<String> suffixes) {}
}

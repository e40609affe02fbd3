package dev.orchard.dispatch;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/** The YAML shape of a spec, before validation (every field optional here; {@link JobSpecs} checks). */
record JobSpecFile(
        String name,
        String kind,
        Trigger trigger,
        String model,
        String output,
        @JsonProperty("top-k") Integer topK,
        String input,
        Integer partitions,
        String dataset,
        TrainerSpec trainer,
        Gate gate) {

    record Trigger(
            Storage storage,
            String schedule,
            @JsonProperty("new-objects") Integer newObjects,
            Drift drift) {}

    record Drift(
            String statistic,
            String measure,
            Double threshold,
            String window,
            @JsonProperty("min-samples") Integer minSamples,
            @JsonProperty("cool-down") String coolDown) {}

    record TrainerSpec(String type, Map<String, Object> params) {}

    record Gate(
            @JsonProperty("min-accuracy") Double minAccuracy,
            @JsonProperty("max-regression") Double maxRegression,
            String promote) {}

    record Storage(String bucket, String prefix, List<String> suffixes) {}
}

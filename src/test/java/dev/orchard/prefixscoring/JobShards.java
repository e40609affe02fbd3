package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reads a prefix job's shards as the tests check them: every object in one line only. */
final class JobShards {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JobShards() {}

    /**
     * The lines of every {@code <kind>-NNNNN.jsonl} shard in {@code output}, by object; fails the
     * test if an object appears in two lines.
     */
    static Map<String, JsonNode> read(Path output, String kind) throws IOException {
        Map<String, JsonNode> byObject = new HashMap<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith(kind + "-"))
                    .toList()) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    JsonNode row = JSON.readTree(line);
                    assertThat(byObject.put(row.path("object").asString(), row))
                            .as("object %s in one line only", row.path("object").asString())
                            .isNull();
                }
            }
        }
        return byObject;
    }
}

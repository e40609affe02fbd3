package dev.orchard.prefixscoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.model.Prediction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

class JsonLinesTests {

    private final JsonMapper json = JsonMapper.builder().build();

    @Test
    void readsTheNamedValuesOfTheLinesTheJobWrites() {
        String name = "photos/\"quoted\" \\ back/é\u2028\t.jpg";
        String plan = json.writeValueAsString(Map.of("name", name, "generation", 1_764_000_000_123_456L));
        String shard = json.writeValueAsString(new ShardWriter.PredictionLine(
                name, 7, "cat", 0.75, List.of(new Prediction.LabelScore("cat", 0.75)), "pets", 3));
        String error = json.writeValueAsString(new ShardWriter.ErrorLine(name, 7, "CORRUPT", "no pixels"));

        assertThat(JsonLines.values(json, plan, "name", "generation")).containsExactly(name, "1764000000123456");
        assertThat(JsonLines.values(json, shard, "object", "reason", "version")).containsExactly(name, null, "3");
        assertThat(JsonLines.values(json, error, "object", "reason")).containsExactly(name, "CORRUPT");
    }

    @Test
    void writtenLinesAreEachRowsJsonFollowedByANewline() {
        List<Object> rows = List.of(
                new ShardWriter.PredictionLine(
                        "a/\"b\".jpg",
                        1,
                        "cat",
                        1.0E-7,
                        List.of(new Prediction.LabelScore("cat", 1.0E-7), new Prediction.LabelScore("dög", 0.5)),
                        "pets",
                        2),
                new ShardWriter.ErrorLine("c\nd.png", 2, "CORRUPT", "line\u2028break"),
                new PrefixPlanner.PlannedObject("e.jpg", Long.MAX_VALUE));
        StringBuilder expected = new StringBuilder();
        for (Object row : rows) {
            expected.append(json.writeValueAsString(row)).append('\n');
        }

        assertThat(new String(JsonLines.write(json, rows), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(expected.toString());
        assertThat(JsonLines.write(json, List.of())).isEmpty();
        assertThat(JsonLines.values(json, expected.toString().lines().toList().get(2), "name", "generation"))
                .containsExactly("e.jpg", Long.toString(Long.MAX_VALUE));
    }

    @Test
    void nestedMissingAndNullValuesAreNull() {
        String line =
                "{\"a\":{\"object\":\"inner\"},\"b\":[1,{\"object\":2}],\"c\":null,\"object\":\"outer\",\"t\":true}";

        assertThat(JsonLines.values(json, line, "a", "b", "c", "object", "t", "missing"))
                .containsExactly(null, null, null, "outer", "true", null);
    }

    @Test
    void aLineThatIsNotOneJsonObjectIsRefused() {
        for (String line : List.of("[1,2]", "\"text\"", "42", "{\"object\":\"a\"", "{\"object\":}", "not json", "{")) {
            assertThatThrownBy(() -> JsonLines.values(json, line, "object"))
                    .as(line)
                    .isInstanceOfAny(IllegalArgumentException.class, JacksonException.class);
        }
    }
}

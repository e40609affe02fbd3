package dev.orchard.prefixscoring;

import java.io.ByteArrayOutputStream;
import java.util.List;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.SequenceWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON lines of a job's plan and shards. A job writes a line per object twice (its partition's
 * plan, its shard) and reads each back twice (the partition's reader, the summary's count): lines
 * are written through one generator per file and read with the streaming parser instead of a tree,
 * less code for a fresh worker to run before the JIT has compiled it.
 */
final class JsonLines {

    private JsonLines() {}

    /**
     * The textual values of {@code names} in {@code line}, aligned with them: a string's text, a
     * number's digits, {@code true}/{@code false}; {@code null} for a name that is missing, null, an
     * object or an array.
     *
     * @throws IllegalArgumentException if the line is not one JSON object
     * @throws tools.jackson.core.JacksonException if it is not JSON
     */
    static String[] values(JsonMapper json, String line, String... names) {
        String[] values = new String[names.length];
        try (JsonParser parser = json.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("not a JSON object: " + abbreviated(line));
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == null) {
                    break;
                }
                if (value.isStructStart()) {
                    parser.skipChildren();
                    continue;
                }
                for (int i = 0; i < names.length; i++) {
                    if (names[i].equals(name)) {
                        values[i] = value == JsonToken.VALUE_NULL ? null : parser.getString();
                    }
                }
            }
            if (parser.currentToken() != JsonToken.END_OBJECT) {
                throw new IllegalArgumentException("not a complete JSON object: " + abbreviated(line));
            }
        }
        return values;
    }

    /**
     * {@code rows} as JSON lines, each followed by a newline: the bytes of {@code
     * writeValueAsString(row) + "\n"} per row, written through one generator for all of them.
     */
    static byte[] write(JsonMapper json, List<?> rows) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + rows.size() * 160);
        if (rows.isEmpty()) {
            return out.toByteArray();
        }
        try (SequenceWriter lines = json.writer().withRootValueSeparator("\n").writeValues(out)) {
            for (Object row : rows) {
                lines.write(row);
            }
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static String abbreviated(String line) {
        return line.length() <= 80 ? line : line.substring(0, 80) + "…";
    }
}

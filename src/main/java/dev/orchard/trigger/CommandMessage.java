package dev.orchard.trigger;

import dev.orchard.dispatch.JobRequest;
import dev.orchard.registry.ModelNames;
import dev.orchard.registry.ModelReference;
import dev.orchard.retrain.RetrainProperties;
import dev.orchard.storage.GcsUri;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parses a command message: a JSON object with a {@code job} field.
 *
 * <pre>
 * {"job":"score","input":"gs://bucket/prefix/","model":"fruit@champion"}
 * {"job":"retrain","model":"fruit","force":false,"min-accuracy":0.8,"max-regression":0.01,"promote":"manual"}
 * {"job":"promote","model":"fruit","version":3,"reason":"..."}
 * {"job":"rollback","model":"fruit","reason":"..."}
 * </pre>
 *
 * Unknown fields are refused (a typo must not silently change a command's meaning). Bounded: a
 * command is at most {@value #MAX_BYTES} bytes, every string field has a length limit and every
 * number a range, so no field can carry more into logs, audit records or job parameters than a
 * person would write.
 */
public final class CommandMessage {

    private static final Set<String> FIELDS = Set.of(
            "job",
            "input",
            "model",
            "version",
            "reason",
            "by",
            "id",
            "partitions",
            "force",
            "min-accuracy",
            "max-regression",
            "promote");

    /** The largest command accepted, in bytes. */
    public static final int MAX_BYTES = 64 * 1024;

    private CommandMessage() {}

    /** @throws MalformedMessageException naming what is wrong */
    public static JobRequest parse(byte[] data, JsonMapper json) {
        if (data.length > MAX_BYTES) {
            throw new MalformedMessageException("command is " + data.length + " bytes; the limit is " + MAX_BYTES);
        }
        JsonNode root;
        try {
            root = json.readTree(data);
        } catch (JacksonException e) {
            throw new MalformedMessageException("command is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedMessageException("command must be a JSON object with a 'job' field");
        }
        for (String field : root.propertyNames()) {
            if (!FIELDS.contains(field)) {
                throw new MalformedMessageException("unknown field '" + field + "'; known: " + FIELDS);
            }
        }
        String job = text(root, "job", 32);
        String by = optionalText(root, "by", 256, "pubsub");
        if (by.chars().anyMatch(Character::isISOControl)) {
            throw new MalformedMessageException("field 'by' names who asked and must not contain control characters");
        }
        String reason = optionalText(root, "reason", 1024, "command");
        return switch (job) {
            case "score" -> scorePrefix(root);
            case "retrain" ->
                new JobRequest.Retrain(
                        model(root),
                        force(root),
                        threshold(root, "min-accuracy"),
                        threshold(root, "max-regression"),
                        promote(root),
                        by);
            case "promote" -> new JobRequest.Promote(model(root), version(root), by, reason);
            case "rollback" -> new JobRequest.Rollback(model(root), by, reason);
            default ->
                throw new MalformedMessageException(
                        "unknown job '" + job + "'; known: score, retrain, promote, rollback");
        };
    }

    private static JobRequest scorePrefix(JsonNode root) {
        GcsUri input;
        try {
            input = GcsUri.parse(text(root, "input", 2048));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("input must be gs://bucket/prefix/: " + e.getMessage());
        }
        ModelReference model;
        try {
            model = ModelReference.parse(text(root, "model", 256));
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException(e.getMessage());
        }
        String id = optionalText(root, "id", 100, null);
        Integer partitions = null;
        if (root.hasNonNull("partitions")) {
            JsonNode value = root.get("partitions");
            if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1 || value.asInt() > 10_000) {
                throw new MalformedMessageException("partitions must be a whole number from 1 to 10000, got " + value);
            }
            partitions = value.asInt();
        }
        return new JobRequest.ScorePrefix(input.bucket(), input.path(), model, id, partitions);
    }

    private static boolean force(JsonNode root) {
        JsonNode force = root.get("force");
        if (force == null || force.isNull()) {
            return false;
        }
        if (!force.isBoolean()) {
            throw new MalformedMessageException("force must be true or false, got " + force);
        }
        return force.asBoolean();
    }

    /** A gate threshold between 0 and 1, or {@code null} when absent. */
    private static Double threshold(JsonNode root, String field) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || !(value.asDouble() >= 0 && value.asDouble() <= 1)) {
            throw new MalformedMessageException(field + " must be a number between 0 and 1, got " + abbreviate(value));
        }
        return value.asDouble();
    }

    private static RetrainProperties.Promote promote(JsonNode root) {
        JsonNode value = root.get("promote");
        if (value == null || value.isNull()) {
            return null;
        }
        return switch (value.isString() ? value.asString() : "") {
            case "auto" -> RetrainProperties.Promote.AUTO;
            case "manual" -> RetrainProperties.Promote.MANUAL;
            default ->
                throw new MalformedMessageException("promote must be \"auto\" or \"manual\", got " + abbreviate(value));
        };
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() > 64 ? text.substring(0, 64) + "…" : text;
    }

    private static String model(JsonNode root) {
        String model = text(root, "model", 256);
        if (!ModelNames.isValid(model)) {
            throw new MalformedMessageException("model must be a model name, got '" + model + "'");
        }
        return model;
    }

    private static int version(JsonNode root) {
        JsonNode version = root.get("version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.asInt() < 1) {
            throw new MalformedMessageException("version must be a positive integer");
        }
        return version.asInt();
    }

    private static String text(JsonNode root, String field, int maxLength) {
        JsonNode value = root.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new MalformedMessageException("field '" + field + "' is required and must be a string");
        }
        return bounded(field, value.asString(), maxLength);
    }

    private static String optionalText(JsonNode root, String field, int maxLength, String absent) {
        JsonNode value = root.get(field);
        if (value == null || value.isNull()) {
            return absent;
        }
        if (!value.isString() || value.asString().isBlank()) {
            throw new MalformedMessageException("field '" + field + "' must be a non-empty string");
        }
        return bounded(field, value.asString(), maxLength);
    }

    private static String bounded(String field, String value, int maxLength) {
        if (value.length() > maxLength) {
            throw new MalformedMessageException(
                    "field '" + field + "' is " + value.length() + " characters; the limit is " + maxLength);
        }
        return value;
    }
}

package dev.orchard.serving;

import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.ModelInput;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * An Open Inference Protocol (KServe V2) JSON infer body turned into model rows. The model has one
 * input, {@value #INPUT}, given either as a numeric tensor of shape {@code [N, H, W, C]} ({@code
 * [N, H, W]} for one channel) holding the model's input values, flat (row-major) or nested; or as
 * a {@code BYTES} tensor of shape {@code [N]} whose elements are base64-encoded image files,
 * decoded and preprocessed like uploads.
 *
 * @param id the request's {@code id}, echoed in the answer
 * @param outputs the outputs asked for, in order; all of {@link #OUTPUTS} when none were named
 */
record InferRequest(String id, List<float[]> rows, List<String> outputs) {

    static final String INPUT = "image";
    static final String PROBABILITIES = "probabilities";
    static final String LABEL = "label";
    static final List<String> OUTPUTS = List.of(PROBABILITIES, LABEL);

    private static final Set<String> INTEGRAL =
            Set.of("UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64");
    private static final Set<String> NUMERIC = Set.of(
            "FP16", "FP32", "FP64", "BF16", "UINT8", "UINT16", "UINT32", "UINT64", "INT8", "INT16", "INT32", "INT64");

    /** @throws BadPredictException saying precisely what does not fit */
    static InferRequest parse(JsonNode body, ModelInput input, ImageRows decoder, ServingProperties.Requests limits) {
        if (body == null || !body.isObject()) {
            throw new BadPredictException("request body must be a JSON object with \"inputs\"");
        }
        String id = null;
        if (body.has("id")) {
            if (!body.get("id").isString()) {
                throw new BadPredictException("\"id\" must be a string");
            }
            id = body.get("id").asString();
        }
        JsonNode inputs = body.get("inputs");
        if (inputs == null || !inputs.isArray() || inputs.size() != 1) {
            throw new BadPredictException("\"inputs\" must be a list with exactly one tensor, \"" + INPUT + "\"");
        }
        JsonNode tensor = inputs.get(0);
        if (!tensor.isObject()) {
            throw new BadPredictException("inputs[0] must be an object with name, datatype, shape and data");
        }
        String name = text(tensor, "name");
        if (!INPUT.equals(name)) {
            throw new BadPredictException("unknown input \"" + name + "\"; the model has one input, \"" + INPUT + "\"");
        }
        if (tensor.path("parameters").has("binary_data_size")) {
            throw new BadPredictException("the binary tensor data extension is not supported; send the data as JSON");
        }
        String datatype = text(tensor, "datatype").toUpperCase(Locale.ROOT);
        long[] shape = shape(tensor.get("shape"));
        limits.check(shape[0], input);
        JsonNode data = tensor.get("data");
        if (data == null || !data.isArray()) {
            throw new BadPredictException("input \"" + INPUT + "\": \"data\" must be a list");
        }
        List<JsonNode> values = new ArrayList<>();
        flatten(data, values, 0);
        List<float[]> rows;
        if ("BYTES".equals(datatype)) {
            rows = images(shape, values, input, decoder);
        } else if (NUMERIC.contains(datatype)) {
            rows = pixels(datatype, shape, values, input);
        } else {
            throw new BadPredictException("input \"" + INPUT + "\": unsupported datatype " + datatype
                    + "; use FP32 (or another numeric type) pixel values, or BYTES for encoded images");
        }
        return new InferRequest(id, rows, outputs(body.get("outputs")));
    }

    private static List<float[]> images(long[] shape, List<JsonNode> values, ModelInput input, ImageRows decoder) {
        if (shape.length != 1) {
            throw new BadPredictException("input \"" + INPUT
                    + "\": a BYTES tensor of encoded images has shape [N], got " + java.util.Arrays.toString(shape));
        }
        checkCount(shape, values.size());
        List<float[]> rows = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            JsonNode value = values.get(i);
            if (!value.isString()) {
                throw new BadPredictException("input \"" + INPUT + "\"[" + i + "]: must be a base64 string");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(value.asString().replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new BadPredictException(
                        "input \"" + INPUT + "\"[" + i + "]: not valid base64: " + e.getMessage());
            }
            try {
                rows.add(decoder.decode(bytes));
            } catch (ImageRejectedException e) {
                throw new ImageRejectedException(
                        e.reason(), "input \"" + INPUT + "\"[" + i + "]: " + e.getMessage(), e);
            }
        }
        return rows;
    }

    private static List<float[]> pixels(String datatype, long[] shape, List<JsonNode> values, ModelInput input) {
        boolean full = shape.length == 4
                && shape[1] == input.height()
                && shape[2] == input.width()
                && shape[3] == input.channels();
        boolean gray =
                shape.length == 3 && input.channels() == 1 && shape[1] == input.height() && shape[2] == input.width();
        if (!full && !gray) {
            throw new BadPredictException("input \"" + INPUT + "\": expected shape [N, " + input.height() + ", "
                    + input.width() + ", " + input.channels() + "], got " + java.util.Arrays.toString(shape));
        }
        checkCount(shape, values.size());
        boolean integral = INTEGRAL.contains(datatype);
        int size = input.size();
        List<float[]> rows = new ArrayList<>((int) shape[0]);
        for (int n = 0; n < shape[0]; n++) {
            float[] row = new float[size];
            for (int i = 0; i < size; i++) {
                row[i] = number(datatype, integral, values.get(n * size + i), n * size + i);
            }
            rows.add(row);
        }
        return rows;
    }

    private static float number(String datatype, boolean integral, JsonNode value, int index) {
        String where = "input \"" + INPUT + "\" element " + index + ": ";
        if (!value.isNumber()) {
            throw new BadPredictException(where + datatype + " values must be numbers, got " + value);
        }
        double v = value.asDouble();
        if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
            throw new BadPredictException(where + "values must be finite float32, got " + value);
        }
        if (integral && (!value.isIntegralNumber() || v != Math.rint(v))) {
            throw new BadPredictException(where + datatype + " values must be integers, got " + value);
        }
        if (datatype.startsWith("UINT") && v < 0 || "UINT8".equals(datatype) && v > 255) {
            throw new BadPredictException(where + "out of range for " + datatype + ": " + value);
        }
        return (float) v;
    }

    private static long[] shape(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > 4) {
            throw new BadPredictException("input \"" + INPUT + "\": \"shape\" must be a list of 1 to 4 sizes");
        }
        long[] shape = new long[node.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode size = node.get(i);
            if (!size.isIntegralNumber() || !size.canConvertToLong() || size.asLong() < 1) {
                throw new BadPredictException(
                        "input \"" + INPUT + "\": \"shape\" sizes must be positive integers, got " + size);
            }
            shape[i] = size.asLong();
        }
        return shape;
    }

    private static void checkCount(long[] shape, int count) {
        long expected = 1;
        for (long size : shape) {
            if (size > Integer.MAX_VALUE || (expected *= size) > Integer.MAX_VALUE) {
                throw new BadPredictException(
                        "input \"" + INPUT + "\": shape " + java.util.Arrays.toString(shape) + " is too large");
            }
        }
        if (expected != count) {
            throw new BadPredictException("input \"" + INPUT + "\": shape " + java.util.Arrays.toString(shape)
                    + " holds " + expected + " elements but \"data\" has " + count);
        }
    }

    /** Row-major flattening of nested lists (the protocol allows both forms). */
    private static void flatten(JsonNode node, List<JsonNode> into, int depth) {
        if (depth > 4) {
            throw new BadPredictException("input \"" + INPUT + "\": \"data\" is nested deeper than the shape allows");
        }
        for (JsonNode element : node) {
            if (element.isArray()) {
                flatten(element, into, depth + 1);
            } else {
                into.add(element);
            }
        }
    }

    private static List<String> outputs(JsonNode requested) {
        if (requested == null) {
            return OUTPUTS;
        }
        if (!requested.isArray() || requested.isEmpty()) {
            throw new BadPredictException("\"outputs\" must be a non-empty list of {\"name\": ...}");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode output : requested) {
            String name = output.isObject() ? output.path("name").asString("") : "";
            if (!OUTPUTS.contains(name)) {
                throw new BadPredictException(
                        "unknown output \"" + name + "\"; the model's outputs are " + String.join(", ", OUTPUTS));
            }
            names.add(name);
        }
        return names;
    }

    private static String text(JsonNode tensor, String field) {
        JsonNode value = tensor.get(field);
        if (value == null || !value.isString() || value.asString().isBlank()) {
            throw new BadPredictException("inputs[0]: \"" + field + "\" must be a non-empty string");
        }
        return value.asString();
    }
}

package dev.orchard.serving;

import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.ModelInput;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * A TensorFlow Serving REST predict body turned into model rows. Accepted, per the TF Serving REST
 * API: row format {@code {"instances": [...]}} and columnar {@code {"inputs": ...}}; an instance is
 * an encoded image {@code {"b64": "..."}} (decoded and preprocessed like an upload), a nested pixel
 * array of shape {@code [height][width][channels]} (or {@code [height][width]} for one channel)
 * holding the model's input values as they are, or an object with one named input holding either.
 *
 * @param columnar whether the request used {@code inputs} (the answer then uses {@code outputs})
 */
record PredictRequest(List<float[]> rows, boolean columnar) {

    /** @throws BadPredictException naming the instance and what is wrong with it */
    static PredictRequest parse(JsonNode body, ModelInput input, ImageRows decoder, ServingProperties.Requests limits) {
        if (body == null || !body.isObject()) {
            throw new BadPredictException("request body must be a JSON object with \"instances\" or \"inputs\"");
        }
        JsonNode signature = body.get("signature_name");
        if (signature != null && !"serving_default".equals(signature.asString(""))) {
            throw new BadPredictException(
                    "unknown signature_name " + signature + "; this model serves \"serving_default\"");
        }
        boolean rows = body.has("instances");
        boolean columns = body.has("inputs");
        if (rows == columns) {
            throw new BadPredictException("request must have exactly one of \"instances\" or \"inputs\"");
        }
        JsonNode instances = rows ? body.get("instances") : unwrapNamed(body.get("inputs"));
        if (!instances.isArray()) {
            if (columns && instances.isObject() && instances.has("b64")) {
                instances = tools.jackson.databind.node.JsonNodeFactory.instance
                        .arrayNode()
                        .add(instances);
            } else {
                throw new BadPredictException("\"" + (rows ? "instances" : "inputs") + "\" must be a list");
            }
        }
        if (instances.isEmpty()) {
            throw new BadPredictException("no instances to predict");
        }
        limits.check(instances.size(), input);
        List<float[]> tensors = new ArrayList<>(instances.size());
        for (int i = 0; i < instances.size(); i++) {
            tensors.add(instance(i, unwrapNamed(instances.get(i)), input, decoder));
        }
        return new PredictRequest(tensors, columns);
    }

    /** {@code {"image": X}} (one named input) → X; anything else unchanged. */
    private static JsonNode unwrapNamed(JsonNode node) {
        if (node != null && node.isObject() && node.size() == 1 && !node.has("b64")) {
            return node.iterator().next();
        }
        return node;
    }

    private static float[] instance(int index, JsonNode node, ModelInput input, ImageRows decoder) {
        String where = "instance " + index + ": ";
        if (node.isObject() && node.has("b64")) {
            if (!node.get("b64").isString()) {
                throw new BadPredictException(where + "\"b64\" must be a base64 string, got "
                        + node.get("b64").getNodeType().name().toLowerCase(java.util.Locale.ROOT));
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(node.get("b64").asString().replaceAll("\\s", ""));
            } catch (IllegalArgumentException e) {
                throw new BadPredictException(where + "\"b64\" is not valid base64: " + e.getMessage());
            }
            try {
                return decoder.decode(bytes);
            } catch (ImageRejectedException e) {
                throw new ImageRejectedException(e.reason(), where + e.getMessage(), e);
            }
        }
        if (node.isArray()) {
            return pixels(where, node, input);
        }
        throw new BadPredictException(where + "must be {\"b64\": ...} or a nested array of shape " + shape(input)
                + ", got " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }

    private static float[] pixels(String where, JsonNode rows, ModelInput input) {
        float[] tensor = new float[input.size()];
        int i = 0;
        if (rows.size() != input.height()) {
            throw new BadPredictException(where + "expected shape " + shape(input) + ", got " + rows.size() + " rows");
        }
        for (JsonNode row : rows) {
            if (!row.isArray() || row.size() != input.width()) {
                throw new BadPredictException(where + "expected shape " + shape(input) + ", got a row of "
                        + (row.isArray() ? row.size() + " values" : "a non-list"));
            }
            for (JsonNode pixel : row) {
                if (pixel.isArray()) {
                    if (pixel.size() != input.channels()) {
                        throw new BadPredictException(where + "expected shape " + shape(input) + ", got a pixel of "
                                + pixel.size() + " channels");
                    }
                    for (JsonNode channel : pixel) {
                        tensor[i++] = number(where, channel);
                    }
                } else if (input.channels() == 1) {
                    tensor[i++] = number(where, pixel);
                } else {
                    throw new BadPredictException(where + "expected shape " + shape(input) + ", got a scalar pixel");
                }
            }
        }
        return tensor;
    }

    private static float number(String where, JsonNode value) {
        if (!value.isNumber()) {
            throw new BadPredictException(where + "pixel values must be numbers, got " + value);
        }
        double v = value.asDouble();
        if (!Double.isFinite(v) || Math.abs(v) > Float.MAX_VALUE) {
            throw new BadPredictException(where + "pixel values must be finite float32, got " + value);
        }
        return (float) v;
    }

    private static String shape(ModelInput input) {
        return "[" + input.height() + ", " + input.width() + ", " + input.channels() + "]";
    }
}

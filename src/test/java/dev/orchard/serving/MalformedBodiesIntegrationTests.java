package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.model.TestImages;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/**
 * Every wrong type or value in a tensor request, walked from a list: each is answered 400 (or 413)
 * with the protocol's {@code {"error"}} body, never 500, and the worker answers a good request
 * afterwards. The model is the sample {@code fashion} model (28 × 28 × 1).
 */
class MalformedBodiesIntegrationTests extends EmbeddedWorkerSupport {

    static final String PREDICT = "/v1/models/fashion:predict";
    static final String INFER = "/v2/models/fashion/infer";

    record Case(String route, String body, int status, String detail) {}

    static List<Case> cases() {
        String png = b64(TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        String gif = b64(TestImages.encoded("gif", 8, 8, BufferedImage.TYPE_INT_RGB));
        List<Case> cases = new ArrayList<>(List.of(
                new Case(PREDICT, "{\"instances\":[{\"b64\":{\"x\":1}}]}", 400, "\"b64\" must be a base64 string"),
                new Case(PREDICT, "{\"instances\":[{\"b64\":1}]}", 400, "\"b64\" must be a base64 string"),
                new Case(PREDICT, "{\"instances\":[{\"b64\":null}]}", 400, "\"b64\" must be a base64 string"),
                new Case(PREDICT, "{\"instances\":[{\"b64\":[\"" + png + "\"]}]}", 400, "base64 string"),
                new Case(PREDICT, "[]", 400, "JSON object"),
                new Case(PREDICT, "\"instances\"", 400, "JSON object"),
                new Case(PREDICT, "null", 400, "JSON object"),
                new Case(PREDICT, "", 400, "JSON object"),
                new Case(PREDICT, "{\"instances\":{}}", 400, "must be a list"),
                new Case(PREDICT, "{\"instances\":[null]}", 400, "instance 0"),
                new Case(PREDICT, "{\"instances\":[[[true]]]}", 400, "expected shape"),
                new Case(PREDICT, "{\"instances\":[[[" + "9".repeat(200) + "]]]}", 400, "not valid JSON"),
                new Case(PREDICT, "[".repeat(100_000), 400, "not valid JSON"),
                new Case(PREDICT, "{\"" + "k".repeat(1000) + "\":1}", 400, "not valid JSON"),
                new Case(PREDICT, "{\"signature_name\":{\"a\":1},\"instances\":[[[0]]]}", 400, "signature_name"),
                new Case(PREDICT, "{\"inputs\":{\"a\":[1],\"b\":[2]}}", 400, "must be a list"),
                new Case(PREDICT, "{\"instances\":[{\"b64\":\"" + gif + "\"}]}", 400, "GIF images are not supported"),
                new Case(
                        PREDICT,
                        "{\"instances\":[" + repeat("{\"b64\":\"" + png + "\"}", 65) + "]}",
                        400,
                        "limit is 64"),
                new Case(INFER, v2("FP32", "[18446744073709551616, 28, 28, 1]", "[0]"), 400, "positive integers"),
                new Case(INFER, v2("FP32", "[-1, 28, 28, 1]", "[0]"), 400, "positive integers"),
                new Case(INFER, v2("FP32", "[1.5, 28, 28, 1]", "[0]"), 400, "positive integers"),
                new Case(INFER, v2("FP32", "\"1,28,28,1\"", "[0]"), 400, "\"shape\""),
                new Case(INFER, v2("FP32", "[1, 28, 28, 1]", "{\"a\":1}"), 400, "\"data\" must be a list"),
                new Case(INFER, v2("FP32", "[1, 28, 28, 1]", "[[[[[[0]]]]]]"), 400, "nested deeper"),
                new Case(
                        INFER,
                        v2("FP32", "[1, 28, 28, 1]", "[\"NaN\"," + repeat("0", 783) + "]"),
                        400,
                        "must be numbers"),
                new Case(INFER, v2("UINT8", "[1, 1, 1, 1]", "[300]"), 400, "expected shape"),
                new Case(INFER, v2("BYTES", "[1]", "[1]"), 400, "base64 string"),
                new Case(INFER, v2("BYTES", "[1]", "[{\"a\":1}]"), 400, "base64 string"),
                new Case(INFER, v2("BYTES", "[2]", "[\"" + png + "\"]"), 400, "holds 2 elements"),
                new Case(INFER, v2("FP32", "[100000, 28, 28, 1]", "[0]"), 400, "limit is 64"),
                new Case(INFER, v2("FP32", "[9223372036854775807, 28, 28, 1]", "[0]"), 400, "limit is 64"),
                new Case(
                        INFER,
                        "{\"inputs\":[{\"name\":{\"a\":1},\"datatype\":\"FP32\",\"shape\":[1],\"data\":[0]}]}",
                        400,
                        "\"name\""),
                new Case(
                        INFER,
                        "{\"inputs\":[{\"name\":\"image\",\"datatype\":7,\"shape\":[1],\"data\":[0]}]}",
                        400,
                        "\"datatype\""),
                new Case(INFER, "{\"inputs\":[]}", 400, "exactly one tensor"),
                new Case(INFER, "{\"inputs\":[1]}", 400, "must be an object"),
                new Case(INFER, "{\"id\":7,\"inputs\":[]}", 400, "\"id\" must be a string"),
                new Case(INFER, withOutputs("[{\"name\":{\"a\":1}}]"), 400, "unknown output"),
                new Case(INFER, withOutputs("[\"label\"]"), 400, "unknown output"),
                new Case(INFER, withOutputs("{}"), 400, "\"outputs\""),
                new Case(
                        INFER,
                        "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"BYTES\",\"shape\":[1]," + "\"data\":[\"" + png
                                + "\"],\"parameters\":{\"binary_data_size\":5}}]}",
                        400,
                        "binary")));
        return cases;
    }

    @Test
    void everyMalformedTensorBodyIsAClientErrorAndNeverA500() {
        SoftAssertions softly = new SoftAssertions();
        for (Case c : cases()) {
            ResponseEntity<String> response = postJson(c.route(), c.body(), null);
            String label = c.route() + " " + abbreviate(c.body());
            softly.assertThat(response.getStatusCode().value())
                    .as(label + " -> " + response.getBody())
                    .isEqualTo(c.status());
            softly.assertThat(json.readTree(response.getBody()).path("error").asString())
                    .as(label)
                    .contains(c.detail());
            softly.assertThat(response.getBody()).as(label).doesNotContain("Exception");
        }
        softly.assertAll();
        assertThat(cases()).hasSizeGreaterThanOrEqualTo(40);

        // and the worker still answers
        String png = b64(TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        assertThat(postJson(PREDICT, "{\"instances\":[{\"b64\":\"" + png + "\"}]}", null)
                        .getStatusCode()
                        .value())
                .isEqualTo(200);
    }

    @Test
    void classifyRefusesMoreImagesThanTheLimitAndFormatsNotDecodedHere() {
        byte[] png = TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB);
        assertProblem(classify("fashion", TestImages.encoded("gif", 8, 8, BufferedImage.TYPE_INT_RGB)), 415, "GIF");
        assertProblem(classify("fashion", TestImages.encoded("bmp", 8, 8, BufferedImage.TYPE_INT_RGB)), 415, "BMP");
        byte[][] many = new byte[65][];
        java.util.Arrays.fill(many, png);
        ResponseEntity<String> tooMany = classify("fashion", many);
        assertThat(tooMany.getStatusCode().is4xxClientError())
                .as(tooMany.getBody())
                .isTrue();
        assertThat(classify("fashion", png).getStatusCode().value()).isEqualTo(200);
    }

    private static String v2(String datatype, String shape, String data) {
        return "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"" + datatype + "\",\"shape\":" + shape + ",\"data\":"
                + data + "}]}";
    }

    private static String withOutputs(String outputs) {
        return "{\"inputs\":[{\"name\":\"image\",\"datatype\":\"FP32\",\"shape\":[1,28,28,1],\"data\":["
                + repeat("0", 784) + "]}],\"outputs\":" + outputs + "}";
    }

    private static String repeat(String element, int times) {
        return String.join(",", java.util.Collections.nCopies(times, element));
    }

    private static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static String abbreviate(String body) {
        return body.length() > 120 ? body.substring(0, 120) + "..." : body;
    }
}

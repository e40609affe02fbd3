package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.model.TestImages;
import dev.orchard.training.SampleDataset;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;
import tools.jackson.databind.JsonNode;

/**
 * The Open Inference Protocol (KServe V2) REST surface, with request and response shapes as the
 * protocol documents them (what KServe's and Triton's HTTP clients send).
 */
class OpenInferenceIntegrationTests extends EmbeddedWorkerSupport {

    ResponseEntity<String> infer(String path, String body) {
        return postJson(path, body, null);
    }

    static String b64(String label) throws Exception {
        return Base64.getEncoder()
                .encodeToString(
                        Files.readAllBytes(SampleDataset.images(label, 1).get(0)));
    }

    @Test
    void serverAndModelHealthAndMetadata() {
        assertThat(json.readTree(get("/v2/health/live").getBody()).path("live").asBoolean())
                .isTrue();
        assertThat(get("/v2/health/ready").getStatusCode().value()).isEqualTo(200);
        assertThat(json.readTree(get("/v2").getBody()).path("name").asString()).isEqualTo("orchard");
        assertThat(get("/v2/models/fashion/ready").getStatusCode().value()).isEqualTo(200);
        assertThat(get("/v2/models/fashion/versions/1/ready").getStatusCode().value())
                .isEqualTo(200);
        assertThat(get("/v2/models/fashion/versions/99/ready").getStatusCode().value())
                .isEqualTo(400);

        JsonNode metadata = json.readTree(get("/v2/models/fashion").getBody());
        assertThat(metadata.path("name").asString()).isEqualTo("fashion");
        assertThat(metadata.path("platform").asString()).isEqualTo("tribuo");
        assertThat(metadata.path("inputs").get(0).path("name").asString()).isEqualTo("image");
        assertThat(metadata.path("inputs").get(0).path("datatype").asString()).isEqualTo("FP32");
        assertThat(metadata.path("inputs").get(0).path("shape").toString()).isEqualTo("[-1,28,28,1]");
        assertThat(metadata.path("outputs").get(0).path("shape").toString()).isEqualTo("[-1,10]");
        assertThat(metadata.path("versions").toString()).contains("\"1\"");
        assertError(get("/v2/models/nope"), 404, "nope");
        assertError(get("/v2/models/fashion/versions/x"), 404, "no version 'x'");
    }

    @Test
    void encodedImagesAsBytesAgreeWithPredictAndClassify() throws Exception {
        // given
        String trouser = b64("trouser");
        String sneaker = b64("sneaker");

        // when
        ResponseEntity<String> response = infer(
                "/v2/models/fashion/infer",
                "{\"id\":\"r-1\",\"inputs\":[{\"name\":\"image\",\"shape\":[2],\"datatype\":\"BYTES\",\"data\":[\""
                        + trouser + "\",\"" + sneaker + "\"]}]}");
        ResponseEntity<String> predict = postJson(
                "/v1/models/fashion:predict",
                "{\"instances\":[{\"b64\":\"" + trouser + "\"},{\"b64\":\"" + sneaker + "\"}]}",
                null);

        // then
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        JsonNode body = json.readTree(response.getBody());
        assertThat(body.path("model_name").asString()).isEqualTo("fashion");
        assertThat(body.path("model_version").asString()).isEqualTo("1");
        assertThat(body.path("id").asString()).isEqualTo("r-1");
        JsonNode probabilities = body.path("outputs").get(0);
        assertThat(probabilities.path("name").asString()).isEqualTo("probabilities");
        assertThat(probabilities.path("shape").toString()).isEqualTo("[2,10]");
        assertThat(probabilities.path("data")).hasSize(20);
        JsonNode predictions = json.readTree(predict.getBody()).path("predictions");
        for (int i = 0; i < 20; i++) {
            assertThat(probabilities.path("data").get(i).asDouble())
                    .isEqualTo(predictions.get(i / 10).get(i % 10).asDouble());
        }
        assertThat(body.path("outputs").get(1).path("data").toString()).isEqualTo("[\"trouser\",\"sneaker\"]");
    }

    @Test
    void pixelTensorsFlatOrNestedGiveTheSameAnswer() {
        // given: one 28x28x1 image of mid-gray, as a flat list and as nested lists
        String flat = "[" + "0.5,".repeat(28 * 28 - 1) + "0.5]";
        String row = "[" + "[0.5],".repeat(27) + "[0.5]]";
        String nested = "[[" + (row + ",").repeat(27) + row + "]]";

        // when
        ResponseEntity<String> fromFlat = infer(
                "/v2/models/fashion/versions/1/infer",
                "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,28,28,1],\"datatype\":\"FP32\",\"data\":" + flat
                        + "}],\"outputs\":[{\"name\":\"probabilities\"}]}");
        ResponseEntity<String> fromNested = infer(
                "/v2/models/fashion/infer",
                "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,28,28],\"datatype\":\"FP64\",\"data\":" + nested
                        + "}],\"outputs\":[{\"name\":\"probabilities\"}]}");

        // then
        assertThat(fromFlat.getStatusCode().value()).as(fromFlat.getBody()).isEqualTo(200);
        assertThat(fromNested.getStatusCode().value()).as(fromNested.getBody()).isEqualTo(200);
        JsonNode a = json.readTree(fromFlat.getBody()).path("outputs");
        JsonNode b = json.readTree(fromNested.getBody()).path("outputs");
        assertThat(a).hasSize(1);
        assertThat(a.get(0).path("data")).isEqualTo(b.get(0).path("data"));
    }

    @Test
    void hostileInferRequestsGetPreciseErrorsAndTheWorkerStaysHealthy() {
        String png = Base64.getEncoder().encodeToString(TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        String path = "/v2/models/fashion/infer";
        assertError(infer(path, "[]"), 400, "JSON object");
        assertError(infer(path, "{\"inputs\":[]}"), 400, "exactly one tensor");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"x\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"" + png
                                + "\"]}]}"),
                400,
                "unknown input \"x\"");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,2,2,1],\"datatype\":\"FP32\",\"data\":[1,2,3,4]}]}"),
                400,
                "expected shape [N, 28, 28, 1], got [1, 2, 2, 1]");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[2,28,28,1],\"datatype\":\"FP32\",\"data\":[1]}]}"),
                400,
                "holds 1568 elements but \"data\" has 1");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,28,28,1],\"datatype\":\"FP32\",\"data\":[\"a\""
                                + ",0".repeat(783) + "]}]}"),
                400,
                "element 0: FP32 values must be numbers");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,28,28,1],\"datatype\":\"UINT8\",\"data\":[300"
                                + ",0".repeat(783) + "]}]}"),
                400,
                "out of range for UINT8");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1,28,28,1],\"datatype\":\"FP32\",\"data\":[NaN"
                                + ",0".repeat(783) + "]}]}"),
                400,
                "not valid JSON");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"@@\"]}]}"),
                400,
                "not valid base64");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\""
                                + Base64.getEncoder().encodeToString(TestImages.pngHeaderClaiming(50_000, 50_000))
                                + "\"]}]}"),
                413,
                "50000x50000");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"STRING\",\"data\":[\"a\"]}]}"),
                400,
                "unsupported datatype STRING");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"" + png
                                + "\"]}],\"outputs\":[{\"name\":\"logits\"}]}"),
                400,
                "unknown output \"logits\"");
        assertError(
                infer(
                        path,
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[99999999999],\"datatype\":\"BYTES\",\"data\":[]}]}"),
                400,
                "the limit is 64");
        assertError(
                infer(
                        "/v2/models/nope/infer",
                        "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"" + png
                                + "\"]}]}"),
                404,
                "nope");
        assertError(infer("/v2/models/fashion/versions/9/infer", "{\"inputs\":[]}"), 404, "no version 9");
        assertThat(get("/actuator/health/liveness").getStatusCode().value()).isEqualTo(200);
        assertThat(infer(
                                path,
                                "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\""
                                        + png + "\"]}]}")
                        .getStatusCode()
                        .value())
                .isEqualTo(200);
    }
}

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
 * The TensorFlow Serving REST surface, with request and response shapes as TF Serving documents
 * them and its Python clients send them ({@code requests.post(url, json={"instances": ...})}).
 */
class PredictApiIntegrationTests extends EmbeddedWorkerSupport {

    static String b64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    ResponseEntity<String> predict(String path, String body) {
        return postJson(path, body, null);
    }

    @Test
    void rowFormatWithBase64ImagesAnswersOneProbabilityVectorPerInstance() throws Exception {
        // given
        String trouser =
                b64(Files.readAllBytes(SampleDataset.images("trouser", 1).get(0)));
        String sneaker =
                b64(Files.readAllBytes(SampleDataset.images("sneaker", 1).get(0)));

        // when
        ResponseEntity<String> response = predict(
                "/v1/models/fashion:predict",
                "{\"signature_name\":\"serving_default\",\"instances\":[{\"b64\":\"" + trouser + "\"},{\"b64\":\""
                        + sneaker + "\"}]}");

        // then
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        JsonNode predictions = json.readTree(response.getBody()).path("predictions");
        assertThat(predictions).hasSize(2);
        assertThat(predictions.get(0)).hasSize(10);
        double sum = 0;
        for (JsonNode p : predictions.get(0)) {
            sum += p.asDouble();
        }
        assertThat(sum).isBetween(0.999, 1.001);
        // labels are sorted: ankle-boot, bag, coat, dress, pullover, sandal, shirt, sneaker, trouser, tshirt-top
        assertThat(argmax(predictions.get(0))).isEqualTo(8);
        assertThat(argmax(predictions.get(1))).isEqualTo(7);
    }

    @Test
    void columnarNamedInputsAndPixelArraysWork() {
        // given: a 28x28x1 all-zero tensor as nested lists, under a named input, columnar
        StringBuilder rows = new StringBuilder("[");
        for (int y = 0; y < 28; y++) {
            rows.append(y == 0 ? "" : ",").append("[");
            for (int x = 0; x < 28; x++) {
                rows.append(x == 0 ? "" : ",").append("[0.0]");
            }
            rows.append("]");
        }
        rows.append("]");

        // when
        ResponseEntity<String> response =
                predict("/v1/models/fashion/versions/1:predict", "{\"inputs\":{\"image\":[" + rows + "]}}");

        // then
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(200);
        assertThat(json.readTree(response.getBody()).path("outputs")).hasSize(1);
    }

    @Test
    void hostileInputGetsAPreciseErrorAndTheWorkerStaysHealthy() {
        String png = b64(TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB));
        assertError(
                predict("/v1/models/fashion:predict", "{\"instances\":[{\"b64\":\"@@not base64@@\"}]}"),
                400,
                "not valid base64");
        assertError(
                predict("/v1/models/fashion:predict", "{\"instances\":[[[1,2],[3,4]]]}"),
                400,
                "expected shape [28, 28, 1]");
        assertError(predict("/v1/models/fashion:predict", "{\"instances\":[\"x\"]}"), 400, "instance 0");
        assertError(predict("/v1/models/fashion:predict", "{\"instances\":[[[NaN]]]}"), 400, "not valid JSON");
        assertError(
                predict(
                        "/v1/models/fashion:predict",
                        "{\"instances\":[{\"b64\":\"" + b64(TestImages.pngHeaderClaiming(50_000, 50_000)) + "\"}]}"),
                413,
                "instance 0: PNG header declares 50000x50000");
        assertError(predict("/v1/models/fashion:predict", "{\"instances\":[]}"), 400, "no instances");
        assertError(predict("/v1/models/fashion:predict", "{\"instances\":[],\"inputs\":[]}"), 400, "exactly one");
        assertError(
                predict("/v1/models/fashion:predict", "{\"instances\": [{\"b64\": \"" + png), 400, "not valid JSON");
        assertError(predict("/v1/models/nope:predict", "{\"instances\":[{\"b64\":\"" + png + "\"}]}"), 404, "nope");
        assertError(
                predict("/v1/models/fashion/versions/9:predict", "{\"instances\":[{\"b64\":\"" + png + "\"}]}"),
                404,
                "no version 9");
        assertThat(get("/actuator/health/liveness").getStatusCode().value()).isEqualTo(200);
        assertThat(predict("/v1/models/fashion:predict", "{\"instances\":[{\"b64\":\"" + png + "\"}]}")
                        .getStatusCode()
                        .value())
                .isEqualTo(200);
    }

    @Test
    void aBodyOverTheRequestLimitIs413AndAnUnknownSignatureIs400() {
        // given: the shared worker's request limit is 2 MB
        String huge = "{\"instances\":[{\"b64\":\"" + "A".repeat(3 * 1024 * 1024) + "\"}]}";

        // then
        assertError(predict("/v1/models/fashion:predict", huge), 413, "larger than");
        assertError(
                predict("/v1/models/fashion:predict", "{\"signature_name\":\"train\",\"instances\":[[[0]]]}"),
                400,
                "unknown signature_name");
        assertThat(get("/actuator/health/liveness").getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void modelStatusSpeaksTensorFlowServing() {
        JsonNode status = json.readTree(get("/v1/models/fashion").getBody());
        assertThat(status.path("model_version_status").get(0).path("state").asString())
                .isEqualTo("AVAILABLE");
        assertThat(status.path("model_version_status")
                        .get(0)
                        .path("status")
                        .path("error_code")
                        .asString())
                .isEqualTo("OK");
        JsonNode one = json.readTree(get("/v1/models/fashion/versions/1").getBody());
        assertThat(one.path("model_version_status")).hasSize(1);
        assertThat(get("/v1/models/fashion/versions/7").getStatusCode().value()).isEqualTo(404);
    }

    @Test
    void publishesAnOpenApiDocumentAndADocsPage() {
        ResponseEntity<String> api = get("/v3/api-docs");
        assertThat(api.getStatusCode().value()).isEqualTo(200);
        assertThat(api.getBody())
                .contains(":classify")
                .contains(":predict")
                .contains(":promote")
                .contains("/v2/models/{name}/infer")
                .contains("\"bearer\"")
                .contains("Orchard");
        // :classify documents its multipart body (parsed by Orchard, not declared by a @RequestPart)
        JsonNode classify = json.readTree(api.getBody())
                .path("paths")
                .path("/v1/models/{name}:classify")
                .path("post")
                .path("requestBody")
                .path("content");
        assertThat(classify.path("multipart/form-data")
                        .path("schema")
                        .path("properties")
                        .path("image")
                        .toString())
                .as(classify.toString())
                .contains("binary");
        ResponseEntity<String> docs = get("/docs");
        assertThat(docs.getStatusCode().value()).isIn(200, 302);
        assertThat(get("/swagger-ui/index.html").getStatusCode().value()).isEqualTo(200);
    }
}

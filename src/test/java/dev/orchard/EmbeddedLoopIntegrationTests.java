package dev.orchard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orchard.model.TestImages;
import dev.orchard.training.SampleDataset;
import dev.orchard.uploads.UploadLedger;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.LinkedMultiValueMap;
import tools.jackson.databind.JsonNode;

/**
 * The whole loop on the embedded default, as a newcomer runs it: a fresh data directory, the sample
 * model trained at first start, files copied into {@code uploads/}, results awaited on disk, and
 * HTTP classification against the same champion.
 */
class EmbeddedLoopIntegrationTests extends EmbeddedWorkerSupport {

    @Autowired
    UploadLedger ledger;

    @Test
    void uploadsAreScoredByTheSampleChampion() throws Exception {
        // given: five trousers from the sample set (trousers are the easiest class)
        List<Path> trousers = SampleDataset.images("trouser", 5);

        // when
        for (int i = 0; i < trousers.size(); i++) {
            Files.copy(trousers.get(i), UPLOADS.resolve("trouser-" + i + ".png"));
        }

        // then
        List<JsonNode> results = trousers.stream()
                .map(t -> awaitResult("trouser-" + trousers.indexOf(t) + ".png.json"))
                .toList();
        JsonNode first = results.get(0);
        assertThat(first.path("object").asString()).isEqualTo("uploads/trouser-0.png");
        assertThat(first.path("generation").asLong()).isPositive();
        assertThat(first.path("model").asString()).isEqualTo("fashion");
        assertThat(first.path("version").asInt()).isEqualTo(1);
        assertThat(first.path("confidence").asDouble()).isBetween(0.0, 1.0);
        assertThat(first.path("top")).hasSize(3);
        assertThat(first.path("scoredAt").asString()).isNotBlank();
        // each upload is its own trace: its log lines and its result share the id
        assertThat(results)
                .extracting(r -> r.path("trace").asString())
                .allMatch(t -> t.matches("[0-9a-f]{32}"))
                .doesNotHaveDuplicates();
        assertThat(results.stream()
                        .filter(r -> r.path("label").asString().equals("trouser"))
                        .count())
                .isGreaterThanOrEqualTo(4);
        assertThat(get("/actuator/prometheus").getBody())
                .containsPattern("orchard_upload_latency_seconds_count\\{outcome=\"predicted\"\\} [1-9]");
    }

    @Test
    void badFilesGetAnErrorResultAndTheWorkerKeepsGoing() throws Exception {
        // given
        byte[] jpeg = TestImages.encoded("jpg", 64, 64, BufferedImage.TYPE_INT_RGB);
        byte[] corrupt = java.util.Arrays.copyOf(jpeg, jpeg.length / 3);

        // when
        Files.write(UPLOADS.resolve("corrupt.jpg"), corrupt);
        Files.writeString(UPLOADS.resolve("letter.png"), "Dear Orchard, this is not an image.");
        Files.write(UPLOADS.resolve("bomb.png"), TestImages.pngHeaderClaiming(50_000, 50_000));
        Files.write(UPLOADS.resolve("huge.jpg"), new byte[300 * 1024]);
        Files.write(UPLOADS.resolve("disguised.png"), TestImages.encoded("gif", 16, 16, BufferedImage.TYPE_INT_RGB));
        Files.write(UPLOADS.resolve("after.jpg"), jpeg);

        // then
        assertThat(awaitResult("corrupt.jpg.error.json").path("reason").asString())
                .isIn("CORRUPT", "UNSUPPORTED");
        assertThat(awaitResult("letter.png.error.json").path("reason").asString())
                .isEqualTo("NOT_AN_IMAGE");
        JsonNode bomb = awaitResult("bomb.png.error.json");
        assertThat(bomb.path("reason").asString()).isEqualTo("TOO_MANY_PIXELS");
        assertThat(bomb.path("error").asString()).contains("50000x50000");
        JsonNode huge = awaitResult("huge.jpg.error.json");
        assertThat(huge.path("reason").asString()).isEqualTo("TOO_LARGE");
        assertThat(huge.path("error").asString()).contains("is 307200 bytes; the limit is 204800");
        // and the dashboards' numbers: errors by reason, and every result's latency from its upload
        String metrics = get("/actuator/prometheus").getBody();
        assertThat(metrics)
                .containsPattern("orchard_upload_errors_total\\{reason=\"NOT_AN_IMAGE\"\\} [1-9]")
                .containsPattern("orchard_upload_errors_total\\{reason=\"TOO_MANY_PIXELS\"\\} [1-9]")
                .containsPattern("orchard_upload_latency_seconds_count\\{outcome=\"error\"\\} [1-9]");
        JsonNode disguised = awaitResult("disguised.png.error.json");
        assertThat(disguised.path("reason").asString()).isEqualTo("UNSUPPORTED");
        assertThat(disguised.path("error").asString()).contains("GIF images are not supported");
        assertThat(awaitResult("after.jpg.json").path("label").asString()).isNotBlank();
        assertThat(get("/actuator/health/liveness").getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void aDuplicateCopyIsScoredOnceAndAnOverwriteIsNewWork() throws Exception {
        // given
        Path sneaker = SampleDataset.images("sneaker", 1).get(0);
        Files.copy(sneaker, UPLOADS.resolve("twice.png"), StandardCopyOption.COPY_ATTRIBUTES);
        JsonNode first = awaitResult("twice.png.json");

        // when: the same content and generation (modification time) copied again
        Files.copy(
                sneaker,
                UPLOADS.resolve("twice.png"),
                StandardCopyOption.COPY_ATTRIBUTES,
                StandardCopyOption.REPLACE_EXISTING);
        Thread.sleep(1500); // six scan intervals

        // then: still the first result, and one generation recorded done
        assertThat(readResult("twice.png.json")).isEqualTo(first);
        assertThat(doneGenerationsOf("uploads/twice.png")).isEqualTo(1);

        // when: the file is overwritten (new generation)
        Files.copy(
                SampleDataset.images("bag", 1).get(0),
                UPLOADS.resolve("twice.png"),
                StandardCopyOption.REPLACE_EXISTING);

        // then: a new result for the new generation replaces the old one
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        readResult("twice.png.json").path("generation").asLong())
                .isGreaterThan(first.path("generation").asLong()));
        assertThat(doneGenerationsOf("uploads/twice.png")).isEqualTo(2);
    }

    @Test
    void classifiesOverHttp() throws Exception {
        // when
        ResponseEntity<String> ok = classify(
                "fashion", Files.readAllBytes(SampleDataset.images("trouser", 1).get(0)));

        // then
        assertThat(ok.getStatusCode().value()).isEqualTo(200);
        JsonNode body = json.readTree(ok.getBody());
        assertThat(body.path("label").asString()).isEqualTo("trouser");
        assertThat(body.path("model").asString()).isEqualTo("fashion");
        assertThat(body.path("version").asInt()).isEqualTo(1);
        assertThat(body.path("top")).hasSize(3);

        // and a colour photo-like JPEG goes through resize and channel conversion
        ResponseEntity<String> colour = classify("fashion", TestImages.jpegWithOrientation(640, 480, 6));
        assertThat(colour.getStatusCode().value()).isEqualTo(200);
    }

    @Test
    void classifiesSeveralImagesInOneRequestInPartOrder() throws Exception {
        // when
        ResponseEntity<String> response = classify(
                "fashion",
                Files.readAllBytes(SampleDataset.images("trouser", 1).get(0)),
                Files.readAllBytes(SampleDataset.images("sneaker", 1).get(0)),
                Files.readAllBytes(SampleDataset.images("trouser", 2).get(1)));

        // then
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        JsonNode answers = json.readTree(response.getBody());
        assertThat(answers.isArray()).isTrue();
        assertThat(answers).hasSize(3);
        assertThat(answers.get(0).path("label").asString()).isEqualTo("trouser");
        assertThat(answers.get(1).path("label").asString()).isEqualTo("sneaker");
        assertThat(answers.get(2).path("label").asString()).isEqualTo("trouser");
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void multipartBodiesAsCurlSendsThemAndBrokenOnesWithTheirCause(
            @TempDir Path dir, org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        // given: two images on disk, one with a quote and a non-ASCII letter in its name
        Path trouser = Files.copy(SampleDataset.images("trouser", 1).get(0), dir.resolve("trouser.png"));
        Path sneaker = Files.copy(SampleDataset.images("sneaker", 1).get(0), dir.resolve("sneaker.png"));
        String url = "http://127.0.0.1:" + port + "/v1/models/fashion:classify";

        // when: curl -F, with a text field between the images, with a Content-Length and chunked
        for (String chunked : List.of("", "Transfer-Encoding: chunked")) {
            List<String> command = new java.util.ArrayList<>(List.of(
                    "/usr/bin/curl",
                    "-sS",
                    "-F",
                    "image=@" + trouser,
                    "-F",
                    "note=hello",
                    "-F",
                    "image=@" + sneaker + ";filename=\"sne\\\"aker \u00fc.png\"",
                    url));
            if (!chunked.isEmpty()) {
                command.addAll(List.of("-H", chunked));
            }
            Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(curl.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(curl.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            // then
            JsonNode answers = json.readTree(out);
            assertThat(answers.isArray()).as(out).isTrue();
            assertThat(answers).extracting(a -> a.path("label").asString()).containsExactly("trouser", "sneaker");
        }

        // and broken multipart bodies are bad requests that say what is wrong
        String route = "/v1/models/fashion:classify";
        byte[] part = ("--XyZ\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] whole = java.util.Arrays.copyOf(part, part.length + 10);
        assertProblem(postBody(route, "multipart/form-data", whole), 400, "no boundary parameter");
        assertProblem(postBody(route, "multipart/form-data; boundary=XyZ", whole), 400, "closing boundary is missing");
        assertProblem(postBody(route, "multipart/form-data; boundary=other", whole), 400, "no boundary line");
        // a multipart request over orchard.serving.requests.max-body (2 MB here) names the setting
        assertProblem(
                postBody(route, "multipart/form-data; boundary=XyZ", new byte[3 << 20]),
                413,
                "orchard.serving.requests.max-body");
        // a client that announces more than it sends and goes: a bad request, not a server error
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("POST " + route + " HTTP/1.1\r\nHost: localhost\r\n"
                                    + "Content-Type: multipart/form-data; boundary=XyZ\r\nContent-Length: 1000000\r\n\r\n"
                                    + "--XyZ\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            String answer =
                    new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 400");
        }
        assertThat(output.getOut() + output.getErr()).doesNotContain("unexpected error answering a request");
    }

    ResponseEntity<String> classifyBody(String model, String contentType, byte[] body) {
        return postBody("/v1/models/" + model + ":classify", contentType, body);
    }

    /** {@code body} as the whole body of a POST to {@code path}. */
    ResponseEntity<String> postBody(String path, String contentType, byte[] body) {
        return client().post()
                .uri(path)
                .contentType(MediaType.parseMediaType(contentType))
                .body(body)
                .exchange((request, response) -> toEntity(response));
    }

    @Test
    void classifiesAnImageSentAsTheWholeBody() throws Exception {
        // given: the same images as multipart answers them
        byte[] trouser = Files.readAllBytes(SampleDataset.images("trouser", 1).get(0));
        byte[] photo = TestImages.jpegWithOrientation(640, 480, 6);

        // when
        ResponseEntity<String> png = classifyBody("fashion", "image/png", trouser);
        ResponseEntity<String> octets = classifyBody("fashion", "application/octet-stream", trouser);
        ResponseEntity<String> jpeg = postBody("/v1/models/fashion/versions/1:classify", "image/jpeg", photo);

        // then
        assertThat(png.getStatusCode().value()).as(png.getBody()).isEqualTo(200);
        assertThat(json.readTree(png.getBody()))
                .isEqualTo(json.readTree(classify("fashion", trouser).getBody()));
        assertThat(json.readTree(octets.getBody()).path("label").asString()).isEqualTo("trouser");
        assertThat(jpeg.getStatusCode().value()).as(jpeg.getBody()).isEqualTo(200);
        assertThat(json.readTree(jpeg.getBody()))
                .isEqualTo(json.readTree(classify("fashion", photo).getBody()));
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(org.springframework.boot.test.system.OutputCaptureExtension.class)
    void aBadImageBodyIsAProblemDetail(org.springframework.boot.test.system.CapturedOutput output) throws Exception {
        byte[] png = TestImages.encoded("png", 64, 64, BufferedImage.TYPE_INT_RGB);
        assertProblem(classifyBody("nope", "image/png", png), 404, "nope");
        assertProblem(classifyBody("fashion", "image/png", new byte[0]), 400, "empty");
        assertProblem(classifyBody("fashion", "image/jpeg", "plain text".getBytes()), 415, "not a JPEG, PNG or WebP");
        assertProblem(
                classifyBody("fashion", "image/png", TestImages.pngHeaderClaiming(50_000, 50_000)), 413, "50000x50000");
        assertProblem(classifyBody("fashion", "image/png", java.util.Arrays.copyOf(png, 70)), 422, "corrupt");
        // over orchard.images.max-bytes (200 KB here): refused from Content-Length, and without it while reading
        assertProblem(classifyBody("fashion", "image/png", new byte[300 * 1024]), 413, "orchard.images.max-bytes");
        ResponseEntity<String> chunked = client().post()
                .uri("/v1/models/fashion:classify")
                .contentType(MediaType.IMAGE_PNG)
                .body(out -> {
                    for (int i = 0; i < 300; i++) {
                        out.write(new byte[1024]);
                        out.flush();
                    }
                })
                .exchange((request, response) -> toEntity(response));
        assertProblem(chunked, 413, "more than 204800 bytes");
        assertProblem(classifyBody("fashion", "text/plain", png), 415, "");
        // a chunked body broken halfway: a bad request, not a server error
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("POST /v1/models/fashion:classify HTTP/1.1\r\nHost: localhost\r\n"
                                    + "Content-Type: image/png\r\nTransfer-Encoding: chunked\r\n\r\n"
                                    + "10\r\n0123456789abcdef\r\nzz\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer =
                    new String(socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 400");
        }
        assertThat(output.getOut() + output.getErr()).doesNotContain("unexpected error answering a request");
        assertThat(classifyBody("fashion", "image/png", png).getStatusCode().value())
                .isEqualTo(200);
    }

    @Test
    void httpErrorsAreProblemDetails() {
        assertProblem(classify("nope", TestImages.encoded("png", 8, 8, BufferedImage.TYPE_INT_RGB)), 404, "nope");
        assertProblem(classify("fashion", "plain text".getBytes()), 415, "not a JPEG, PNG or WebP");
        assertProblem(classify("fashion", TestImages.pngHeaderClaiming(50_000, 50_000)), 413, "50000x50000");
        assertProblem(classify("fashion", new byte[300 * 1024]), 413, "limit");
        assertProblem(classify("fashion", new byte[1536 * 1024]), 413, "orchard.images.max-bytes");
        byte[] png = TestImages.encoded("png", 64, 64, BufferedImage.TYPE_INT_RGB);
        assertProblem(classify("fashion", java.util.Arrays.copyOf(png, 70)), 422, "corrupt");
        assertProblem(get("/v1/models/nope"), 404, "nope");
        ResponseEntity<String> missingPart = client().post()
                .uri("/v1/models/fashion:classify")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(new LinkedMultiValueMap<>(java.util.Map.of("other", List.of("x"))))
                .exchange((request, response) -> toEntity(response));
        assertProblem(missingPart, 400, "image");
    }

    @Test
    void describesItselfAndReportsHealth() throws Exception {
        JsonNode status = json.readTree(get("/v1/models/fashion").getBody());
        assertThat(status.path("champion").asInt()).isEqualTo(1);
        assertThat(status.path("serving").asInt()).isEqualTo(1);
        assertThat(status.path("versions").get(0).path("accuracy").asDouble()).isGreaterThan(0.5);

        JsonNode root = json.readTree(get("/").getBody());
        assertThat(root.path("service").asString()).isEqualTo("orchard");
        assertThat(root.path("models").toString()).contains("fashion");

        assertThat(get("/actuator/health/liveness").getStatusCode().value()).isEqualTo(200);
        ResponseEntity<String> readiness = get("/actuator/health/readiness");
        assertThat(readiness.getStatusCode().value()).isEqualTo(200);
        assertThat(readiness.getBody()).contains("version 1");
    }

    private long doneGenerationsOf(String object) {
        return ledger.doneCount("local", object);
    }

    private JsonNode awaitResult(String name) {
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(PREDICTIONS.resolve(name)));
        return readResult(name);
    }

    private JsonNode readResult(String name) {
        try {
            return json.readTree(Files.readAllBytes(PREDICTIONS.resolve(name)));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

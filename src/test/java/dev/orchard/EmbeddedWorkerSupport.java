package dev.orchard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One embedded-default worker shared by the test classes that extend this (same configuration, so
 * Spring's context cache starts it once): a fresh data directory, the sample model trained at first
 * start, fast directory scans, small image limits for the limit tests, and HTTP helpers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class EmbeddedWorkerSupport {

    protected static final Path DATA = newTempDir();
    protected static final Path UPLOADS = DATA.resolve("local/uploads");
    protected static final Path PREDICTIONS = DATA.resolve("local/predictions/uploads");
    /** The worker's {@code orchard.registry.import-root}: local bring-your-own-model exports live here. */
    protected static final Path IMPORTS = DATA.resolve("imports");
    /** The repository's {@code jobs/*.yaml} plus {@link #RETRAIN_SPEC}. */
    protected static final Path JOBS = jobsWithTestSpecs();
    /**
     * A retrain spec for model {@code spec-cnn}: tensorflow-cnn on a manifest dataset, permissive gate,
     * no triggers of its own (commands and POST /jobs use it).
     */
    protected static final String RETRAIN_SPEC = """
            name: retrain-spec-cnn
            kind: retrain
            model: spec-cnn
            dataset: gs://local/datasets/spec-cnn.jsonl
            trainer:
              type: tensorflow-cnn
              params: {epochs: 6, filters: 8}
            gate:
              min-accuracy: 0.5
              max-regression: 1
            """;

    @DynamicPropertySource
    static void embeddedDefault(DynamicPropertyRegistry registry) {
        registry.add("orchard.storage.local.root", DATA::toString);
        registry.add("orchard.jobs.location", JOBS::toString);
        registry.add("orchard.registry.work-dir", () -> DATA.resolve("work").toString());
        registry.add("orchard.registry.import-root", IMPORTS::toString);
        registry.add("orchard.trigger.local.scan-interval", () -> "250ms");
        registry.add("orchard.trigger.local.settle", () -> "100ms");
        registry.add("orchard.images.max-bytes", () -> "200KB");
        registry.add("orchard.serving.requests.max-body", () -> "2MB");
        registry.add("orchard.prefix-jobs.chunk-size", () -> "16");
        registry.add("orchard.prefix-jobs.partitions", () -> "4");
        registry.add("orchard.prefix-jobs.min-partition-chunks", () -> "1"); // 4 partitions of a few chunks
        // drift windows small enough to drive by count in tests (DriftRetrainIntegrationTests)
        registry.add("orchard.drift.window-count", () -> "600");
        registry.add("orchard.drift.slice-size", () -> "100");
        registry.add("orchard.drift.min-samples", () -> "300");
        registry.add("orchard.drift.publish-interval", () -> "1s");
    }

    @Value("${local.server.port}")
    protected int port;

    protected final JsonMapper json = JsonMapper.builder().build();

    protected void assertProblem(ResponseEntity<String> response, int status, String detail) {
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
        JsonNode body = json.readTree(response.getBody());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("detail").asString()).contains(detail);
        assertThat(response.getBody()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    protected ResponseEntity<String> classify(String model, byte[]... images) {
        MultiValueMap<String, Object> form = new LinkedMultiValueMap<>();
        for (byte[] image : images) {
            form.add("image", new ByteArrayResource(image) {
                @Override
                public String getFilename() {
                    return "upload.bin";
                }
            });
        }
        return client().post()
                .uri("/v1/models/" + model + ":classify")
                .contentType(MediaType.MULTIPART_FORM_DATA)
                .body(form)
                .exchange((request, response) -> toEntity(response));
    }

    /** POSTs a JSON body; {@code token} (may be null) goes in {@code Authorization: Bearer}. */
    protected ResponseEntity<String> postJson(String path, String body, String token) {
        return client().post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    if (token != null) {
                        h.setBearerAuth(token);
                    }
                })
                .body(body)
                .exchange((request, response) -> toEntity(response));
    }

    /** Asserts a tensor-protocol error: {@code {"error": "...detail..."}} with the status. */
    protected void assertError(ResponseEntity<String> response, int status, String detail) {
        assertThat(response.getStatusCode().value()).as(response.getBody()).isEqualTo(status);
        assertThat(json.readTree(response.getBody()).path("error").asString()).contains(detail);
        assertThat(response.getBody()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    protected static int argmax(JsonNode vector) {
        int best = 0;
        for (int i = 1; i < vector.size(); i++) {
            best = vector.get(i).asDouble() > vector.get(best).asDouble() ? i : best;
        }
        return best;
    }

    protected ResponseEntity<String> get(String path) {
        return client().get().uri(path).exchange((request, response) -> toEntity(response));
    }

    protected static ResponseEntity<String> toEntity(org.springframework.http.client.ClientHttpResponse response)
            throws IOException {
        HttpStatusCode status = response.getStatusCode();
        String body = new String(response.getBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        return ResponseEntity.status(status).headers(response.getHeaders()).body(body);
    }

    protected RestClient client() {
        return RestClient.create("http://localhost:" + port);
    }

    private static Path jobsWithTestSpecs() {
        try {
            Path dir = Files.createDirectories(DATA.getParent().resolve(DATA.getFileName() + "-jobs"));
            try (var specs = Files.list(Path.of("jobs"))) {
                for (Path spec :
                        specs.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                    Files.copy(spec, dir.resolve(spec.getFileName()));
                }
            }
            Files.writeString(dir.resolve("zz-test-retrain.yaml"), RETRAIN_SPEC);
            return dir;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path newTempDir() {
        try {
            Path dir = Files.createTempDirectory("orchard-it-");
            Files.createDirectories(dir.resolve("local/uploads"));
            return dir;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

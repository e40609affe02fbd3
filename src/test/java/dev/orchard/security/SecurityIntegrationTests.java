package dev.orchard.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.registry.Alias;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.testing.TestDirectories;
import dev.orchard.training.ModelTraining;
import dev.orchard.training.SampleDataset;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A worker with every kind of credential configured: the static admin and predict tokens, Google
 * ID tokens (signed by a stand-in for Google's keys), and authenticated predict routes.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@ExtendWith(OutputCaptureExtension.class)
class SecurityIntegrationTests {

    static final Path DATA = TestDirectories.create("orchard-security-");
    static final GoogleTokenIssuer GOOGLE = new GoogleTokenIssuer();
    static final String AUDIENCE = "https://orchard-test-abc123.a.run.app";
    static final String ADMIN_TOKEN = "admin-" + UUID.randomUUID();
    static final String PREDICT_TOKEN = "predict-" + UUID.randomUUID();
    static final String WRONG_TOKEN = "wrong-" + UUID.randomUUID();

    @DynamicPropertySource
    static void credentials(DynamicPropertyRegistry registry) {
        registry.add("orchard.storage.local.root", DATA::toString);
        registry.add("orchard.registry.work-dir", () -> DATA.resolve("work").toString());
        registry.add("orchard.registry.refresh-interval", () -> "100ms");
        registry.add("orchard.security.admin-token", () -> ADMIN_TOKEN);
        registry.add("orchard.security.predict-token", () -> PREDICT_TOKEN);
        registry.add("orchard.security.predict", () -> "authenticated");
        registry.add("orchard.security.google.audience", () -> AUDIENCE);
        registry.add("orchard.security.google.admins", () -> "Ops@Example.com");
        registry.add("orchard.security.google.jwk-set-uri", GOOGLE::jwkSetUri);
    }

    @AfterAll
    static void stopIssuer() {
        GOOGLE.close();
    }

    @Value("${local.server.port}")
    int port;

    @Autowired
    ModelTraining training;

    @Autowired
    ModelRegistry registry;

    final JsonMapper json = JsonMapper.builder().build();
    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void predictRoutesNeedAPredictGrantWhenConfiguredSo() throws Exception {
        String image = Base64.getEncoder()
                .encodeToString(
                        Files.readAllBytes(SampleDataset.images("bag", 1).get(0)));
        String predict = "{\"instances\":[{\"b64\":\"" + image + "\"}]}";
        String infer =
                "{\"inputs\":[{\"name\":\"image\",\"shape\":[1],\"datatype\":\"BYTES\",\"data\":[\"" + image + "\"]}]}";

        // no token: 401 in each route's own error format
        HttpResponse<String> anonymous = post("/v1/models/fashion:predict", predict, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(json.readTree(anonymous.body()).path("error").asString()).contains("Authorization: Bearer");
        assertThat(post("/v2/models/fashion/infer", infer, null).statusCode()).isEqualTo(401);
        HttpResponse<String> classify = post("/v1/models/fashion:classify", "", null);
        assertThat(classify.statusCode()).isEqualTo(401);
        assertThat(classify.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        // the predict token, an admin, and any verified Google identity may predict
        assertThat(post("/v1/models/fashion:predict", predict, PREDICT_TOKEN).statusCode())
                .isEqualTo(200);
        assertThat(post("/v2/models/fashion/infer", infer, ADMIN_TOKEN).statusCode())
                .isEqualTo(200);
        assertThat(post("/v1/models/fashion:predict", predict, GOOGLE.idToken("someone@example.com", AUDIENCE))
                        .statusCode())
                .isEqualTo(200);

        // a Google identity without a verified e-mail is authenticated but granted nothing
        HttpResponse<String> unverified =
                post("/v1/models/fashion:predict", predict, GOOGLE.unverifiedEmailIdToken("x@example.com", AUDIENCE));
        assertThat(unverified.statusCode()).isEqualTo(403);

        // reads stay open
        assertThat(get("/v1/models/fashion").statusCode()).isEqualTo(200);
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        assertThat(get("/v2/health/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void adminRoutesNeedTheAdminGrantAndRecordWhoActed(CapturedOutput output) throws Exception {
        // given: a second version of the sample model
        int second = training.trainAndRegister(
                        new ModelTraining.Request(
                                "fashion", "local", "training/", "tribuo-cart", Map.of("maxDepth", 4)),
                        "test")
                .version();
        String promote = "{\"version\":" + second + ",\"reason\":\"better on shoes\"}";

        // then: nobody without the admin grant moves the champion
        assertProblem(post("/v1/models/fashion:promote", promote, null), 401, "Authorization: Bearer");
        assertProblem(post("/v1/models/fashion:promote", promote, WRONG_TOKEN), 401, "rejected");
        assertProblem(post("/v1/models/fashion:promote", promote, PREDICT_TOKEN), 403, "for admins");
        assertProblem(
                post("/v1/models/fashion:promote", promote, GOOGLE.idToken("someone@example.com", AUDIENCE)),
                403,
                "for admins");
        assertProblem(
                post("/v1/models/fashion:promote", promote, GOOGLE.idToken("ops@example.com", "https://elsewhere")),
                401,
                "rejected");
        assertProblem(
                post("/v1/models/fashion:promote", promote, GOOGLE.expiredIdToken("ops@example.com", AUDIENCE)),
                401,
                "rejected");
        assertProblem(
                post("/v1/models/fashion:promote", promote, GOOGLE.forgedIdToken("ops@example.com", AUDIENCE)),
                401,
                "rejected");
        assertThat(post("/v1/models/fashion%3Apromote", promote, null).statusCode())
                .isEqualTo(401);
        assertThat(post("/jobs", "{}", null).statusCode()).isEqualTo(401);
        assertThat(registry.champion("fashion").map(Alias::version)).hasValue(1);

        // when: the admin token promotes and a Google admin rolls back
        HttpResponse<String> promoted = post("/v1/models/fashion:promote", promote, ADMIN_TOKEN);
        HttpResponse<String> rolledBack = post(
                "/v1/models/fashion:rollback",
                "{\"reason\":\"shoes got worse in prod\"}",
                GOOGLE.idToken("ops@example.com", AUDIENCE));

        // then
        assertThat(promoted.statusCode()).as(promoted.body()).isEqualTo(200);
        JsonNode champion = json.readTree(promoted.body());
        assertThat(champion.path("champion").asInt()).isEqualTo(second);
        assertThat(champion.path("previous").asInt()).isEqualTo(1);
        assertThat(champion.path("by").asString()).isEqualTo("http:admin-token");
        assertThat(rolledBack.statusCode()).as(rolledBack.body()).isEqualTo(200);
        assertThat(json.readTree(rolledBack.body()).path("champion").asInt()).isEqualTo(1);
        assertThat(registry.champion("fashion").map(Alias::by)).hasValue("http:ops@example.com");
        String audit = Files.readString(DATA.resolve("local/models/fashion/audit.jsonl"));
        assertThat(audit).contains("better on shoes").contains("shoes got worse in prod");

        // and bad admin requests are precise
        assertProblem(post("/v1/models/fashion:promote", "{\"version\":99}", ADMIN_TOKEN), 404, "no version 99");
        assertProblem(post("/v1/models/fashion:promote", "{}", ADMIN_TOKEN), 400, "\"version\"");
        assertProblem(post("/v1/models/fashion:promote", "{\"version\":", ADMIN_TOKEN), 400, "not the expected JSON");
        assertProblem(post("/v1/models/nope:rollback", "", ADMIN_TOKEN), 404, "nope");

        // and no token ever reached the log
        assertThat(output.getAll())
                .doesNotContain(ADMIN_TOKEN)
                .doesNotContain(PREDICT_TOKEN)
                .doesNotContain(WRONG_TOKEN)
                .doesNotContain("Using generated security password");
    }

    private void assertProblem(HttpResponse<String> response, int status, String detail) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(json.readTree(response.body()).path("detail").asString()).contains(detail);
        assertThat(response.body()).doesNotContain(ADMIN_TOKEN).doesNotContain(WRONG_TOKEN);
    }

    private HttpResponse<String> post(String path, String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.system.WorkerProcess;
import dev.orchard.training.SampleDataset;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A worker's prediction request bodies stay within {@code orchard.serving.requests.body-budget}
 * however they arrive: a client that sends most of a large body and stalls holds its share of the
 * budget, small requests still fit beside it, a request that does not fit gets 503 with Retry-After
 * once the wait is over, and the stalled client's share comes back when it goes away.
 */
class BodyBudgetIntegrationTests {

    static final String BOUNDARY = "budget-test";

    final Path dir = Path.of("target/worker-logs/body-budget-" + System.currentTimeMillis())
            .toAbsolutePath();
    final HttpClient http = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void bodiesBeyondTheBudgetAreRefusedAsBusyAndTheBudgetComesBack() throws Exception {
        Map<String, String> settings = Map.of(
                "orchard.storage.local.root", dir.resolve("data").toString(),
                "orchard.registry.work-dir", dir.resolve("work").toString(),
                "orchard.trigger.local.enabled", "false",
                "orchard.serving.requests.body-budget", "6MB",
                "orchard.serving.requests.body-wait", "500ms");
        try (WorkerProcess worker = WorkerProcess.start("body-budget", dir, settings)) {
            worker.awaitReady(Duration.ofSeconds(120));
            String route = "http://127.0.0.1:" + worker.port() + "/v1/models/fashion:classify";
            byte[] good = multipart(
                    Files.readAllBytes(SampleDataset.images("trouser", 1).get(0)));
            byte[] large = multipart(new byte[2 << 20]);

            // given: a client that announced a 3 MB body, sent 2.5 MB of it and stalls
            try (Socket stalled = new Socket("127.0.0.1", worker.port())) {
                stalled.setSoTimeout(30_000);
                OutputStream out = stalled.getOutputStream();
                out.write(("POST /v1/models/fashion:classify HTTP/1.1\r\nHost: localhost\r\n"
                                + "Content-Type: multipart/form-data; boundary=" + BOUNDARY + "\r\n"
                                + "Content-Length: " + (3 << 20) + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(new byte[2560 * 1024]);
                out.flush();
                Thread.sleep(500); // the worker has read what was sent

                // then: the worker reports what the stalled body holds
                assertThat(bodyBytes(worker)).isBetween(2560.0 * 1024, 6.0 * 1024 * 1024);

                // and a small request still fits beside it
                HttpResponse<String> small = post(route, good);
                assertThat(small.statusCode()).as(small.body()).isEqualTo(200);
                assertThat(json.readTree(small.body()).path("label").asString()).isEqualTo("trouser");

                // a 2 MB request does not (reading it needs its array and the one it outgrows): 503, Retry-After, and
                // the setting named
                HttpResponse<String> refused = post(route, large);
                assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
                assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
                JsonNode problem = json.readTree(refused.body());
                assertThat(problem.path("detail").asString()).contains("orchard.serving.requests.body-budget");

                // when the stalled client goes away
                stalled.shutdownOutput();
                InputStream in = stalled.getInputStream();
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII))
                        .isEqualTo("HTTP/1.1 400");
            }

            // then: its share is back, and the same 2 MB request is read (and refused for what it is)
            HttpResponse<String> again = post(route, large);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(415);
            assertThat(bodyBytes(worker)).isZero();
            assertThat(worker.isAlive()).isTrue();
        }
    }

    /** {@code orchard_serving_body_bytes} from the worker's Prometheus page. */
    private static double bodyBytes(WorkerProcess worker) throws IOException, InterruptedException {
        return worker.get("/actuator/prometheus")
                .body()
                .lines()
                .filter(line -> line.startsWith("orchard_serving_body_bytes "))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.indexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no orchard_serving_body_bytes on /actuator/prometheus"));
    }

    private HttpResponse<String> post(String url, byte[] body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "multipart/form-data; boundary=" + BOUNDARY)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] multipart(byte[] image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"image\"; filename=\"x.png\"\r\n"
                        + "Content-Type: image/png\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(image);
        out.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }
}

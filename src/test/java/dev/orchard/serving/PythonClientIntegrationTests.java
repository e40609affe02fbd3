package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.training.SampleDataset;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs {@code src/test/resources/clients/tf_serving_client.py}, whose request code is TF Serving's
 * own examples', against the worker. Skipped where {@code python3} with {@code requests} and
 * {@code numpy} is missing; {@link PredictApiIntegrationTests} and {@link
 * OpenInferenceIntegrationTests} cover the same request shapes from Java.
 */
class PythonClientIntegrationTests extends EmbeddedWorkerSupport {

    @Test
    void aTensorFlowServingPythonClientWorksUnchanged() throws Exception {
        assumeTrue(pythonWithRequestsAndNumpy(), "python3 with requests and numpy is not installed");

        // given: three sample images and what :classify says of them
        List<Path> images = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (String label : List.of("trouser", "sneaker", "bag")) {
            Path image = SampleDataset.images(label, 1).get(0);
            images.add(image);
            expected.add(
                    json.readTree(classify("fashion", Files.readAllBytes(image)).getBody())
                            .path("label")
                            .asString());
        }

        // when
        List<String> command = new ArrayList<>(List.of(
                "python3", "src/test/resources/clients/tf_serving_client.py", "http://localhost:" + port, "fashion"));
        images.forEach(p -> command.add(p.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // then
        assertThat(process.exitValue()).as(out).isZero();
        JsonNode result = json.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(result.path("state").asString()).isEqualTo("AVAILABLE");
        for (String style : List.of("b64", "pixels", "v2")) {
            assertThat(json.convertValue(result.path(style), List.class))
                    .as(style)
                    .isEqualTo(expected);
        }
        assertThat(result.path("error").asString()).contains("expected shape");
    }

    private static boolean pythonWithRequestsAndNumpy() {
        try {
            Process probe = new ProcessBuilder("python3", "-c", "import requests, numpy")
                    .redirectErrorStream(true)
                    .start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

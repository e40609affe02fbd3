package dev.orchard.serving;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.system.WorkerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A worker whose job spec scores with a model other than the bootstrap one becomes ready on its
 * own: the spec's champion is loaded at start, not at the first upload or request.
 */
class ChampionPreloadIntegrationTests {

    Path dir =
            Path.of("target/worker-logs/preload-" + System.currentTimeMillis()).toAbsolutePath();

    @Test
    void aSpecsModelIsLoadedAtStartWithoutAnyRequest() throws Exception {
        // given: a registry where model "shoes" has a champion (trained by a first worker's bootstrap)
        Path root = dir.resolve("data");
        Path noSpecs = Files.createDirectories(dir.resolve("no-specs"));
        try (WorkerProcess first = WorkerProcess.start(
                "first",
                dir,
                Map.of(
                        "orchard.storage.local.root", root.toString(),
                        "orchard.registry.work-dir", dir.resolve("work-1").toString(),
                        "orchard.jobs.location", noSpecs.toString(),
                        "orchard.bootstrap.model", "shoes"))) {
            first.awaitReady(Duration.ofSeconds(180));
        }
        Path specs = Files.createDirectories(dir.resolve("specs"));
        Files.writeString(specs.resolve("score-shoes.yaml"), """
                name: score-shoes
                kind: score
                trigger:
                  storage:
                    bucket: local
                    prefix: shoe-uploads/
                model: shoes@champion
                output: predictions/shoes/
                """);

        // when: a worker starts with that spec and no bootstrap model of its own
        try (WorkerProcess second = WorkerProcess.start(
                "second",
                dir,
                Map.of(
                        "orchard.storage.local.root", root.toString(),
                        "orchard.registry.work-dir", dir.resolve("work-2").toString(),
                        "orchard.jobs.location", specs.toString(),
                        "orchard.bootstrap.enabled", "false"))) {

            // then: it becomes ready with no upload and no request, serving version 1
            second.awaitReady(Duration.ofSeconds(60));
            HttpResponse<String> readiness = second.get("/actuator/health/readiness");
            assertThat(readiness.body()).contains("\"shoes\":\"version 1\"");
        }
    }
}

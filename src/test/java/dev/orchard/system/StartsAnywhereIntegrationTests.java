package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.training.SampleDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The worker started as a user starts the jar somewhere else: in a directory with no {@code jobs/},
 * nothing configured but the {@code PORT} Cloud Run and Vertex AI set. It listens on that port,
 * scores uploads with the built-in spec and says so, and (on Linux) runs its C2 compiler threads at
 * nice 19.
 */
class StartsAnywhereIntegrationTests {

    @Test
    void withNoJobsDirectoryTheBuiltInSpecScoresUploadsOnThePortFromTheEnvironment() throws Exception {
        // given: an empty working directory
        Path dir = Path.of("target/worker-logs/anywhere-" + System.currentTimeMillis())
                .toAbsolutePath();
        Path home = Files.createDirectories(dir.resolve("somewhere-else"));
        int port = WorkerProcess.freePort();

        // when
        try (WorkerProcess worker = WorkerProcess.start(
                "anywhere",
                dir,
                List.of(),
                Map.of("orchard.registry.work-dir", dir.resolve("work").toString()),
                home,
                Map.of("PORT", Integer.toString(port)))) {
            worker.awaitReady(Duration.ofSeconds(120));
            Path uploads = home.resolve("orchard-data/local/uploads");
            Files.createDirectories(uploads);
            Files.copy(SampleDataset.images("sneaker", 1).get(0).toAbsolutePath(), uploads.resolve("shoe.png"));

            // then
            Path result = home.resolve("orchard-data/local/predictions/uploads/shoe.png.json");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(result));
            assertThat(Files.readString(result)).contains("\"label\"");
            assertThat(worker.port()).isEqualTo(port);
            assertThat(Files.readString(dir.resolve("anywhere.log")))
                    .contains("using the built-in spec [score-uploads]");
            // and its JIT's C2 threads compile in idle time (CompilerPriority, from main)
            Path tasks = Path.of("/proc/" + worker.pid() + "/task");
            if (Files.isExecutable(Path.of("/usr/bin/renice")) && Files.isDirectory(tasks)) {
                assertThat(CompilerPriority.compilerThreads(tasks)).isNotEmpty().allSatisfy(id -> assertThat(
                                CompilerPriority.nice(tasks.resolve(id)))
                        .hasValue(CompilerPriority.NICE));
                await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(dir.resolve("anywhere.log"))
                        .contains("JIT C2 compiler threads: threads ["));
            }
        }
    }
}

package dev.orchard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AOT cache's training run against a real embedded-default worker: it returns only once the
 * worker was ready with the sample model and answered a classification, with it and with a
 * TensorFlow SavedModel champion, and it refuses (so the image
 * build fails) when readiness never comes.
 */
class AotTrainingRunIntegrationTests {

    @TempDir
    Path data;

    @Test
    void startsTrainsTheSampleModelClassifiesAndStops() throws Exception {
        String summary = AotTrainingRun.run(worker("--orchard.bootstrap.enabled=true"), Duration.ofMinutes(5));

        assertThat(summary).contains("ready after").contains("fashion:classify answered {\"label\":");
        assertThat(data.resolve("local/models/fashion/versions/1")).isDirectory();
        // and TensorFlow's serving path: a SavedModel trained in a child JVM, made champion, asked once
        assertThat(summary).contains("aot-training-savedmodel (a TensorFlow SavedModel):classify answered {\"label\":");
        assertThat(data.resolve("local/models/aot-training-savedmodel/versions/1/model/saved_model.pb"))
                .isNotEmptyFile();
        // and a prefix job's path: every sample image, PNG and JPEG, scored by the SavedModel
        assertThat(summary).containsPattern("prefix job aot-training-[0-9]+ scored 1024 images");
        try (Stream<Path> runs = Files.list(data.resolve("local/predictions/jobs/score"))) {
            Path run = runs.filter(p -> p.getFileName().toString().startsWith("aot-training-"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Files.readString(run.resolve("summary.json")))
                    .contains("\"predictions\":1024", "\"errors\":0", "\"model\":\"aot-training-savedmodel\"");
        }
    }

    @Test
    void aWorkerThatNeverBecomesReadyFailsTheRunWithWhatReadinessSaid() {
        // no bootstrap, no champion: readiness stays DOWN
        assertThatThrownBy(() -> AotTrainingRun.run(worker("--orchard.bootstrap.enabled=false"), Duration.ofSeconds(3)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not ready within PT3S")
                .hasMessageContaining("503")
                .hasMessageContaining("champions");
    }

    @Test
    void withSpringAotOnItLooksForTheWorkersGeneratedContextNotOneNamedAfterItsCaller() {
        // Spring AOT finds its generated initializer by the main class, which Spring Boot otherwise
        // takes from the nearest main() on the stack: AotTrainingRun's in the image build (no build
        // generates AotTrainingRun__ApplicationContextInitializer). Launcher.main stands in for it.
        // Whether this class path holds generated classes (after a -Pspring-aot build) or not, the
        // start fails here (bootstrap off: a setting it was not generated for, or never ready), but
        // never by looking for the caller's initializer.
        System.setProperty("spring.aot.enabled", "true");
        try {
            assertThatThrownBy(() -> Launcher.main(worker("--orchard.bootstrap.enabled=false")))
                    .hasMessageNotContaining("Launcher__");
        } finally {
            System.clearProperty("spring.aot.enabled");
        }
    }

    private static final class Launcher {
        static void main(String[] args) throws Exception {
            AotTrainingRun.run(args, Duration.ofSeconds(3));
        }
    }

    private String[] worker(String bootstrap) {
        return new String[] {
            "--server.port=0",
            "--orchard.storage.local.root=" + data,
            "--orchard.registry.work-dir=" + data.resolve("work"),
            "--orchard.jobs.location=" + Path.of("jobs").toAbsolutePath(),
            bootstrap
        };
    }
}

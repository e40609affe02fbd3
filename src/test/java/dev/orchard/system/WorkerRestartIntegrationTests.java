package dev.orchard.system;

import static dev.orchard.system.WorkerChecks.resultFiles;
import static dev.orchard.system.WorkerChecks.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.training.SampleDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * kill -9 in the middle of scoring on the embedded default, then a restart: every upload ends with
 * exactly one result, within a minute of the restarted worker being ready, no generation is
 * recorded done twice, and no job execution stays STARTED.
 */
class WorkerRestartIntegrationTests {

    static final int UPLOADS = 1200;

    /** Kept under target/ so the workers' logs can be read after a failure. */
    Path dir =
            Path.of("target/worker-logs/restart-" + System.currentTimeMillis()).toAbsolutePath();

    @Test
    void aWorkerKilledMidScoringLosesNothingAfterRestart() throws Exception {
        // given: a worker that scores slowly enough to be caught in the middle
        Files.createDirectories(dir);
        Path root = dir.resolve("data");
        Map<String, String> settings = Map.of(
                "orchard.storage.local.root", root.toString(),
                "orchard.registry.work-dir", dir.resolve("work").toString(),
                "orchard.jobs.workers", "1",
                "orchard.jobs.max-window-size", "8",
                "orchard.batch.stale-after", "1s",
                "orchard.trigger.local.scan-interval", "500ms",
                "orchard.trigger.local.settle", "100ms");
        Path uploads = root.resolve("local/uploads");
        Path results = root.resolve("local/predictions/uploads");
        try (WorkerProcess first = WorkerProcess.start("first", dir, settings)) {
            first.awaitReady(Duration.ofSeconds(120));
            List<Path> images = SampleDataset.images().subList(0, UPLOADS);
            for (int i = 0; i < UPLOADS; i++) {
                Files.copy(images.get(i), uploads.resolve("img-" + i + ".png"));
            }

            // when: killed once scoring is under way
            await().atMost(Duration.ofSeconds(60)).until(() -> resultFiles(results) >= 50);
            first.kill9();
        }
        long atKill = resultFiles(results);
        assertThat(atKill).as("the kill must land mid-scoring").isLessThan(UPLOADS);

        // then: a worker restarted at once finishes the rest within a minute of being ready (with the
        // default claim lease: it takes back its previous incarnation's claims instead of waiting)
        try (WorkerProcess second = WorkerProcess.start("second", dir, settings)) {
            second.awaitReady(Duration.ofSeconds(120));
            await().atMost(Duration.ofSeconds(60)).until(() -> resultFiles(results) == UPLOADS);
        }
        try (Connection db =
                DriverManager.getConnection("jdbc:h2:file:" + root.resolve(".orchard-jobs/batch"), "sa", "")) {
            assertThat(single(db, "SELECT COUNT(*) FROM ORCHARD_UPLOAD_LEDGER WHERE STATE = 'DONE'"))
                    .isEqualTo(UPLOADS);
            assertThat(single(
                            db,
                            "SELECT COUNT(*) FROM (SELECT OBJECT_NAME FROM ORCHARD_UPLOAD_LEDGER"
                                    + " GROUP BY OBJECT_NAME HAVING COUNT(*) > 1)"))
                    .isZero();
            assertThat(single(db, "SELECT COUNT(*) FROM BATCH_JOB_EXECUTION WHERE STATUS IN ('STARTING', 'STARTED')"))
                    .isZero();
        }
        try (Stream<Path> files = Files.list(results)) {
            assertThat(files.filter(p -> p.toString().endsWith(".error.json"))).isEmpty();
        }
    }
}

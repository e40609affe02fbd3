package dev.orchard.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.orchard.EmbeddedWorkerSupport;
import dev.orchard.prefixscoring.PrefixJobs;
import dev.orchard.training.SampleDataset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** A scheduled {@code score-prefix} spec: it fires, scores today's folder, and one tick is one run. */
class PrefixSchedulesIntegrationTests extends EmbeddedWorkerSupport {

    @Autowired
    PrefixJobs jobs;

    @Test
    void aScheduledSpecScoresTodaysFolderOncePerTick() throws Exception {
        // given: today's drop, and a spec firing every second
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        Path drop = Files.createDirectories(DATA.resolve("local/drops/" + today));
        List<Path> images = SampleDataset.images().subList(1000, 1020);
        for (int i = 0; i < images.size(); i++) {
            Files.copy(images.get(i), drop.resolve("img-" + i + ".png"));
        }
        PrefixJobSpec spec = new PrefixJobSpec(
                "nightly",
                "local",
                "drops/{date}/",
                dev.orchard.registry.ModelReference.parse("fashion"),
                "* * * * * *",
                2,
                "test");
        PrefixSchedules schedules = new PrefixSchedules(new JobSpecs(List.of(), List.of(spec), List.of()), jobs);

        // when: the same tick fired twice (two replicas), then the schedule runs for a while
        Instant tick = Instant.now();
        Optional<PrefixJobs.Submission> first = schedules.fire(spec, tick);
        Optional<PrefixJobs.Submission> second = schedules.fire(spec, tick);
        schedules.start();
        try {
            Thread.sleep(2500);
        } finally {
            schedules.stop();
        }

        // then
        assertThat(first).isPresent();
        assertThat(second).isPresent();
        assertThat(second.get().id()).isEqualTo(first.get().id());
        assertThat(second.get().existing()).isTrue();
        String id = first.get().id();
        assertThat(id).startsWith("nightly-" + today.toString().replace("-", ""));
        await().atMost(Duration.ofSeconds(60))
                .until(() -> json.readTree(get("/jobs/" + id).getBody())
                        .path("complete")
                        .asBoolean());
        JsonNode status = json.readTree(get("/jobs/" + id).getBody());
        assertThat(status.path("input").asString()).isEqualTo("gs://local/drops/" + today + "/");
        assertThat(status.path("predictions").asInt()).isEqualTo(20);
        assertThat(status.path("executions").asInt()).isEqualTo(1);
    }
}

package dev.orchard.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.registry.ChampionCommands;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.registry.TestModels;
import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.system.Outcome;
import dev.orchard.uploads.UploadWindow;
import dev.orchard.uploads.UploadWindowing;
import dev.orchard.uploads.UploadWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.mock.env.MockEnvironment;
import tools.jackson.databind.json.JsonMapper;

/** The dispatcher routes: uploads to their spec's windows, commands to the registry. */
class JobDispatcherTests {

    @TempDir
    Path root;

    final List<UploadWindow> ran = new ArrayList<>();
    ModelRegistry registry;
    UploadWindowing uploads;
    JobDispatcher dispatcher;

    @BeforeEach
    void setUp() throws Exception {
        Path jobs = Files.createDirectories(root.resolve("jobs"));
        Files.writeString(jobs.resolve("score.yaml"), """
                name: score-uploads
                kind: score
                trigger: {storage: {bucket: local, prefix: uploads/, suffixes: [.png]}}
                model: lamp
                output: predictions/
                """);
        JobSpecs specs = JobSpecs.load(jobs, new MockEnvironment());
        registry = new ModelRegistry(
                new LocalBlobStore(root.resolve("data"), Clock.systemUTC()),
                "models",
                JsonMapper.builder().build(),
                Clock.systemUTC(),
                "test");
        uploads = new UploadWindowing(
                window -> {
                    ran.add(window);
                    window.objects().forEach(o -> window.report(o, Outcome.COMPLETED));
                },
                specs::named,
                Runnable::run,
                new UploadWindows(),
                Duration.ofHours(1),
                1,
                Executors.newSingleThreadScheduledExecutor());
        dispatcher = new JobDispatcher(specs, new ChampionCommands(registry), null, null, uploads);
    }

    @AfterEach
    void stop() {
        uploads.close();
    }

    @Test
    void anUploadGoesToTheWindowsOfTheSpecThatMatchesItOrIsUnmatched() {
        ObjectRef png = new ObjectRef("local", "uploads/a.png", 1);
        ObjectRef text = new ObjectRef("local", "uploads/a.txt", 1);
        ObjectRef elsewhere = new ObjectRef("local", "training/a.png", 1);

        assertThat(dispatcher.dispatch(new JobRequest.ScoreUpload(png, "test")))
                .isCompletedWithValue(Outcome.COMPLETED);
        assertThat(dispatcher.dispatch(new JobRequest.ScoreUpload(text, "test")))
                .isCompletedWithValue(Outcome.UNMATCHED);
        assertThat(dispatcher.dispatch(new JobRequest.ScoreUpload(elsewhere, "test")))
                .isCompletedWithValue(Outcome.UNMATCHED);
        assertThat(ran).hasSize(1);
        assertThat(ran.get(0).objects()).containsExactly(png);
        assertThat(ran.get(0).spec().name()).isEqualTo("score-uploads");
    }

    @Test
    void promoteAndRollbackMoveTheChampionAndImpossibleOnesAreRejected() throws Exception {
        int v1 = TestModels.registerLamp(registry, root, "lamp", false);
        int v2 = TestModels.registerLamp(registry, root, "lamp", true);

        assertThat(dispatcher.dispatch(new JobRequest.Promote("lamp", v1, "test", "first")))
                .isCompletedWithValue(Outcome.COMPLETED);
        assertThat(dispatcher.dispatch(new JobRequest.Promote("lamp", v2, "test", "second")))
                .isCompletedWithValue(Outcome.COMPLETED);
        assertThat(registry.champion("lamp").orElseThrow().version()).isEqualTo(v2);
        assertThat(dispatcher.dispatch(new JobRequest.Rollback("lamp", "test", "oops")))
                .isCompletedWithValue(Outcome.COMPLETED);
        assertThat(registry.champion("lamp").orElseThrow().version()).isEqualTo(v1);
        assertThatThrownBy(() -> dispatcher.dispatch(new JobRequest.Promote("lamp", 99, "test", "no such")))
                .isInstanceOf(RejectedRequestException.class)
                .hasMessageContaining("99");
    }
}

package dev.orchard.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.WritePrecondition;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

/** One result per upload: the newest generation's, of whichever kind. */
class UploadResultWriterTests {

    static final UploadSpec SPEC = TestUploadSpecs.scoringWith("lamp");

    @TempDir
    Path root;

    final JsonMapper json = JsonMapper.builder().build();
    LocalBlobStore store;
    UploadResultWriter writer;

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(root, Clock.systemUTC());
        writer = new UploadResultWriter(store, json);
    }

    static ObjectRef generation(long generation) {
        return new ObjectRef("local", "uploads/a.png", generation);
    }

    void predict(long generation) {
        writer.writePrediction(
                SPEC,
                generation(generation),
                new UploadPrediction(
                        "local",
                        "uploads/a.png",
                        generation,
                        "bright",
                        0.9,
                        List.of(),
                        "lamp",
                        1,
                        Instant.EPOCH,
                        null));
    }

    void fail(long generation) {
        writer.writeError(
                SPEC,
                generation(generation),
                new UploadError("local", "uploads/a.png", generation, "CORRUPT", "bad", "lamp", Instant.EPOCH, null));
    }

    long generationIn(String name) {
        return json.readTree(store.get("local", name).orElseThrow().content())
                .path("generation")
                .asLong();
    }

    @Test
    void aNewerGenerationsResultReplacesTheOtherKindAndAnOlderOneIsIgnored() {
        predict(1);
        fail(2);
        assertThat(store.get("local", "predictions/uploads/a.png.json"))
                .as("the older prediction")
                .isEmpty();
        assertThat(generationIn("predictions/uploads/a.png.error.json")).isEqualTo(2);

        predict(1); // a late window of the old generation
        assertThat(store.get("local", "predictions/uploads/a.png.json")).isEmpty();
        assertThat(generationIn("predictions/uploads/a.png.error.json")).isEqualTo(2);

        predict(3);
        assertThat(generationIn("predictions/uploads/a.png.json")).isEqualTo(3);
        assertThat(store.get("local", "predictions/uploads/a.png.error.json")).isEmpty();
    }

    @Test
    void theSameGenerationRewrittenAndADamagedResultAreReplaced() {
        store.put("local", "predictions/uploads/a.png.json", "{not json".getBytes(), WritePrecondition.none());

        predict(5);
        predict(5); // a restarted window

        assertThat(generationIn("predictions/uploads/a.png.json")).isEqualTo(5);
    }
}

package dev.orchard.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.storage.LocalBlobStore;
import dev.orchard.storage.WritePrecondition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset snapshots of folders and of {@code manifest.jsonl} files: pinning, fingerprints, errors. */
class DatasetSnapshotTests {

    @TempDir
    Path root;

    LocalBlobStore store;

    @BeforeEach
    void setUp() {
        store = new LocalBlobStore(root, Clock.systemUTC());
    }

    void put(String bucket, String name, String content) {
        store.put(bucket, name, content.getBytes(StandardCharsets.UTF_8), WritePrecondition.none());
    }

    static String line(String uri, String label) {
        return "{\"uri\":\"" + uri + "\",\"label\":\"" + label + "\"}\n";
    }

    @Test
    void aManifestLabelsObjectsInAnyBucketAndPinsTheirGenerations() {
        // given: images in two buckets, listed by a manifest in a third
        put("raw", "cats/1.png", "a");
        put("raw", "dogs/2.png", "b");
        put("more", "x/3.jpg", "c");
        put(
                "meta",
                "datasets/pets.jsonl",
                line("gs://raw/cats/1.png", "cat") + line("gs://raw/dogs/2.png", "dog") + "\n"
                        + line("gs://more/x/3.jpg", "dog") + line("gs://raw/cats/1.png", "cat")
                        + line("gs://raw/gone.png", "cat"));

        // when
        DatasetSnapshot snapshot =
                DatasetSnapshot.of(store, DatasetSnapshot.Location.parse("gs://meta/datasets/pets.jsonl"));

        // then: each object once, sorted, pinned; the missing one counted, not fatal
        assertThat(snapshot.objects())
                .extracting(o -> o.ref().bucket() + "/" + o.ref().name() + "=" + o.label())
                .containsExactly("more/x/3.jpg=dog", "raw/cats/1.png=cat", "raw/dogs/2.png=dog");
        assertThat(snapshot.objects()).allMatch(o -> o.ref().generation() > 0);
        assertThat(snapshot.missing()).isEqualTo(1);
        assertThat(snapshot.labels()).containsExactly("cat", "dog");
        assertThat(snapshot.uri()).isEqualTo("gs://meta/datasets/pets.jsonl");

        // and: same data, same fingerprint; an overwritten image is new data
        String fingerprint = snapshot.fingerprint();
        assertThat(DatasetSnapshot.of(store, "meta", "datasets/pets.jsonl").fingerprint())
                .isEqualTo(fingerprint);
        byte[] before = snapshot.toJsonLines();
        put("raw", "dogs/2.png", "b2");
        DatasetSnapshot after = DatasetSnapshot.of(store, "meta", "datasets/pets.jsonl");
        assertThat(after.fingerprint()).isNotEqualTo(fingerprint);
        assertThat(after.newSince(before)).isEqualTo(1);
        assertThat(snapshot.newSince(before)).isZero();
    }

    @Test
    void bigManifestsAreResolvedByListingAndGiveTheSameSnapshot() {
        // given: 300 images (more than are stat'ed one by one)
        List<Integer> ids = IntStream.range(0, 300).boxed().toList();
        ids.forEach(i -> put("raw", "imgs/" + (i % 2 == 0 ? "even" : "odd") + "/" + i + ".png", "x" + i));
        put("raw", "imgs/unlisted.png", "not in the manifest");
        String manifest = ids.stream()
                .map(i -> line(
                        "gs://raw/imgs/" + (i % 2 == 0 ? "even" : "odd") + "/" + i + ".png",
                        i % 2 == 0 ? "even" : "odd"))
                .collect(Collectors.joining());
        put("raw", "big.jsonl", manifest);
        put("raw", "small.jsonl", manifest.lines().limit(200).collect(Collectors.joining("\n")));

        // when
        DatasetSnapshot big = DatasetSnapshot.of(store, "raw", "big.jsonl");
        DatasetSnapshot folder = DatasetSnapshot.of(store, "raw", "imgs/");

        // then: the manifest gives exactly its objects; a folder snapshot labels by folder the same way
        assertThat(big.objects()).hasSize(300);
        assertThat(big.missing()).isZero();
        assertThat(folder.objects()).hasSize(300); // unlisted.png has no label folder
        assertThat(big.objects())
                .extracting(LabelledObject::ref)
                .containsExactlyInAnyOrderElementsOf(
                        folder.objects().stream().map(LabelledObject::ref).toList());
        assertThat(DatasetSnapshot.of(store, "raw", "small.jsonl").objects()).hasSize(200);
    }

    @Test
    void badManifestLinesAreRefusedWithTheirLineNumber() {
        put("raw", "a.png", "a");
        assertManifestRefused(line("gs://raw/a.png", "cat") + "not json\n", "line 2", "not JSON");
        assertManifestRefused("{\"uri\":\"gs://raw/a.png\"}\n", "line 1", "expected {\"uri\"");
        assertManifestRefused(line("/local/a.png", "cat"), "line 1", "uri must be gs://bucket/object");
        assertManifestRefused(line("gs://raw/../a.png", "cat"), "line 1", "..");
        assertManifestRefused(line("gs://raw/a.png", " "), "line 1", "label must be");
        assertManifestRefused(line("gs://raw/a.png", "cat") + line("gs://raw/a.png", "dog"), "line 2", "labelled both");
        assertThatThrownBy(() -> DatasetSnapshot.of(store, "raw", "absent.jsonl"))
                .hasMessageContaining("gs://raw/absent.jsonl does not exist");
        assertThatThrownBy(() -> DatasetSnapshot.Location.parse("gs://raw/data.csv"))
                .hasMessageContaining("a folder (gs://bucket/prefix/) or a manifest");
    }

    private void assertManifestRefused(String manifest, String where, String message) {
        put("raw", "m.jsonl", manifest);
        assertThatThrownBy(() -> DatasetSnapshot.of(store, "raw", "m.jsonl"))
                .as(manifest)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gs://raw/m.jsonl " + where)
                .hasMessageContaining(message);
    }
}

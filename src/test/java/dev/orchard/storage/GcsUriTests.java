package dev.orchard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GcsUriTests {

    @Test
    void parsesBucketsPrefixesAndObjects() {
        assertThat(GcsUri.parse("gs://photos")).isEqualTo(new GcsUri("photos", ""));
        assertThat(GcsUri.parse("gs://photos/")).isEqualTo(new GcsUri("photos", ""));
        assertThat(GcsUri.parse("gs://photos/batches/2026-11-22/"))
                .isEqualTo(new GcsUri("photos", "batches/2026-11-22/"));
        assertThat(GcsUri.parseObject("gs://photos/a/b.jpg")).isEqualTo(new GcsUri("photos", "a/b.jpg"));
        assertThat(GcsUri.parse("gs://photos/a/").toString()).isEqualTo("gs://photos/a/");
    }

    @Test
    void refusesWhatIsNotALocation() {
        for (String bad : new String[] {
            null,
            "",
            "gs://",
            "s3://photos/a",
            "/local/a.png",
            "gs://B!/x/",
            "gs://ab/x",
            "gs://photos/../etc/",
            "gs://photos//x",
            "gs://" + "b".repeat(300) + "/x"
        }) {
            assertThatThrownBy(() -> GcsUri.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> GcsUri.parseObject("gs://photos/a/"))
                .hasMessageContaining("must be gs://bucket/object");
        assertThatThrownBy(() -> GcsUri.parse("gs://" + "b".repeat(5000))).hasMessageNotContaining("b".repeat(200));
    }
}

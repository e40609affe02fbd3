package dev.orchard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectNamesTests {

    @Test
    void namesThatStayInsideABucketAreAccepted() {
        for (String name : List.of(
                "a",
                "photo.jpg",
                "batches/2026/photo-00001.jpg",
                "..a/b",
                "a/.b",
                "a/b..",
                "a/...",
                ".hidden",
                "1:2",
                "ab:c",
                "é/ü 1.png",
                "x".repeat(1024))) {
            assertThat(ObjectNames.requireValid(name)).as(name).isEqualTo(name);
        }
    }

    @Test
    void namesThatCouldEscapeABucketOrDifferBetweenAdaptersAreRefused() {
        for (String name : List.of(
                "",
                "/abs",
                "a/",
                "/",
                "a//b",
                ".",
                "..",
                "./x",
                "../x",
                "a/./b",
                "a/../b",
                "a/..",
                "a/.",
                "a\\b",
                "a\u0000b",
                "C:",
                "c:/windows",
                "Z:x",
                "C:x\ny",
                "x".repeat(1025))) {
            assertThatThrownBy(() -> ObjectNames.requireValid(name))
                    .as(name.length() > 40 ? name.length() + " characters" : name)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> ObjectNames.requireValid(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theRefusalSaysWhichRuleTheNameBroke() {
        assertThatThrownBy(() -> ObjectNames.requireValid("a/../b")).hasMessageContaining("'..' segment");
        assertThatThrownBy(() -> ObjectNames.requireValid("a//b")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ObjectNames.requireValid("D:/x")).hasMessageContaining("forbidden character");
        assertThatThrownBy(() -> ObjectNames.requireValid("a/")).hasMessageContaining("start or end with '/'");
    }

    @Test
    void aPrefixMayEndWithASlashOrBeEmpty() {
        assertThat(ObjectNames.requireValidPrefix("")).isEmpty();
        assertThat(ObjectNames.requireValidPrefix(null)).isEmpty();
        assertThat(ObjectNames.requireValidPrefix("batches/")).isEqualTo("batches/");
        assertThat(ObjectNames.requireValidPrefix("batches/pho")).isEqualTo("batches/pho");
        assertThatThrownBy(() -> ObjectNames.requireValidPrefix("../")).isInstanceOf(IllegalArgumentException.class);
    }
}

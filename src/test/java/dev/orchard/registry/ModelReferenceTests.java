package dev.orchard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelReferenceTests {

    @Test
    void aNameIsItsChampionAndAVersionIsPinned() {
        assertThat(ModelReference.parse("fruit")).isEqualTo(new ModelReference("fruit", null));
        assertThat(ModelReference.parse("fruit@champion").champion()).isTrue();
        assertThat(ModelReference.parse("fruit@3")).isEqualTo(new ModelReference("fruit", 3));
        assertThat(ModelReference.parse("fruit@3").toString()).isEqualTo("fruit@3");
        assertThat(ModelReference.parse("fruit").toString()).isEqualTo("fruit@champion");
    }

    @Test
    void refusesWhatIsNotAReference() {
        for (String bad : new String[] {
            null, "", "Fruit", "fruit@", "fruit@0", "fruit@-1", "fruit@staging", "fruit@99999999999", "../x", "a@b@c"
        }) {
            assertThatThrownBy(() -> ModelReference.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}

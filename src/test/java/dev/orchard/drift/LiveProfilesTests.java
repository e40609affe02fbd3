package dev.orchard.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.model.ModelInput;
import dev.orchard.model.PredictionObserver;
import dev.orchard.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The bound on live windows, and that a version still loaded keeps being counted after its window made room. */
class LiveProfilesTests {

    static final ModelInput INPUT = new ModelInput(1, 1, 1, ModelInput.Scaling.UNIT);
    static final List<String> LABELS = List.of("cat", "dog");

    MutableClock clock = new MutableClock(Instant.parse("2026-11-30T10:00:00Z"));
    LiveProfiles live = new LiveProfiles(DriftReportsTests.properties(true), clock);

    static void once(PredictionObserver observer) {
        observer.observed(new float[][] {{0.5f}}, new float[][] {{0.9f, 0.1f}});
    }

    long counted(String model, int version) {
        return live.window(model, version)
                .map(w -> w.countSlices().stream()
                        .mapToLong(s -> s.profile().predictions())
                        .sum())
                .orElse(-1L);
    }

    @Test
    void atMostSixteenVersionsAndTheLeastRecentlyObservedMakesRoom() {
        PredictionObserver first = live.observer("old", 1, INPUT, LABELS);
        once(first);
        for (int v = 1; v <= LiveProfiles.MAX_VERSIONS; v++) {
            clock.advance(Duration.ofSeconds(1));
            once(live.observer("busy", v, INPUT, LABELS));
        }

        assertThat(live.all()).hasSize(LiveProfiles.MAX_VERSIONS);
        assertThat(live.window("old", 1)).isEmpty();

        // the version is still loaded: its next prediction is counted in a window made again
        clock.advance(Duration.ofSeconds(1));
        once(first);
        assertThat(counted("old", 1)).isEqualTo(1);
        assertThat(live.all()).hasSize(LiveProfiles.MAX_VERSIONS);
    }

    @Test
    void offCountsNothing() {
        LiveProfiles off = new LiveProfiles(DriftReportsTests.properties(false), clock);

        assertThat(off.observer("m", 1, INPUT, LABELS)).isSameAs(PredictionObserver.NONE);
        assertThat(off.all()).isEmpty();
    }
}

package dev.orchard.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.orchard.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class NegativeCacheTests {

    final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T00:00:00Z"));

    @Test
    void anAnswerIsRepeatedUntilItExpires() {
        NegativeCache cache = new NegativeCache(clock, 10);
        cache.remember("fruit@9", new ModelNotFoundException("model 'fruit' has no version 9"), Duration.ofSeconds(2));

        assertThatThrownBy(() -> cache.rethrow("fruit@9"))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessage("model 'fruit' has no version 9");
        clock.advance(Duration.ofSeconds(2));
        assertThatCode(() -> cache.rethrow("fruit@9")).doesNotThrowAnyException();
        assertThat(cache.size()).isZero();
    }

    @Test
    void holdsAtMostMaxEntriesDroppingTheOldest() {
        NegativeCache cache = new NegativeCache(clock, 3);
        for (int i = 0; i < 10_000; i++) {
            cache.remember("name-" + i, new ModelUnavailableException("broken " + i), Duration.ofMinutes(1));
        }

        assertThat(cache.size()).isEqualTo(3);
        assertThatCode(() -> cache.rethrow("name-0")).doesNotThrowAnyException();
        assertThatThrownBy(() -> cache.rethrow("name-9999"))
                .isInstanceOf(ModelUnavailableException.class)
                .hasMessage("broken 9999");
    }
}

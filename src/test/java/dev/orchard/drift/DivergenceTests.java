package dev.orchard.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** PSI and Jensen–Shannon distance on distributions whose values are known by hand. */
class DivergenceTests {

    @Test
    void theSameDistributionIsNoDivergenceWhateverTheSampleSizes() {
        Map<String, Long> a = Map.of("x", 10L, "y", 30L, "z", 60L);
        Map<String, Long> b = Map.of("x", 100L, "y", 300L, "z", 600L);

        assertThat(Divergence.psi(a, b)).isCloseTo(0, within(1e-9));
        assertThat(Divergence.jensenShannon(a, b)).isCloseTo(0, within(1e-6));
    }

    @Test
    void psiOfAHalfHalfBaselineAgainstNinetyTen() {
        // (0.9-0.5)·ln(0.9/0.5) + (0.1-0.5)·ln(0.1/0.5) = 0.2351 + 0.6438
        assertThat(Divergence.psi(Map.of("a", 50L, "b", 50L), Map.of("a", 90L, "b", 10L)))
                .isCloseTo(0.8789, within(1e-3));
        // symmetric in its arguments
        assertThat(Divergence.psi(Map.of("a", 90L, "b", 10L), Map.of("a", 50L, "b", 50L)))
                .isCloseTo(0.8789, within(1e-3));
    }

    @Test
    void jensenShannonOfCertainAgainstFair() {
        // m = (0.75, 0.25): JSD = ½·log2(1/0.75) + ½·(½·log2(0.5/0.75) + ½·log2(0.5/0.25)) = 0.3113; distance √
        assertThat(Divergence.jensenShannon(Map.of("a", 10L, "b", 0L), Map.of("a", 5L, "b", 5L)))
                .isCloseTo(Math.sqrt(0.3113), within(2e-3));
    }

    @Test
    void disjointDistributionsAreAsFarApartAsTheyGet() {
        Map<String, Long> left = Map.of("a", 100L);
        Map<String, Long> right = Map.of("b", 100L);

        assertThat(Divergence.jensenShannon(left, right)).isCloseTo(1, within(1e-2));
        // an empty bin costs a large, finite amount
        assertThat(Divergence.psi(left, right)).isGreaterThan(10).isFinite();
    }

    @Test
    void anEmptySideIsNotANumberError() {
        assertThat(Divergence.psi(Map.of("a", 0L, "b", 0L), Map.of("a", 3L, "b", 1L)))
                .isFinite();
        assertThat(Divergence.jensenShannon(Map.of(), Map.of())).isCloseTo(0, within(1e-9));
    }
}

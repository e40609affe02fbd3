package dev.orchard.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecodeBudgetTests {

    @Test
    void aReservationLargerThanTheWholeBudgetIsRefusedAtOnce() {
        DecodeBudget budget = new DecodeBudget(1000, Duration.ofHours(1));

        assertThatThrownBy(() -> budget.reserve(1001, "a huge image"))
                .isInstanceOfSatisfying(ImageRejectedException.class, e -> assertThat(e.reason())
                        .isEqualTo(ImageRejectedException.Reason.TOO_MANY_PIXELS))
                .hasMessageContaining("a huge image needs 1001 bytes");
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void aWaitingReservationProceedsWhenAnotherIsReleased() throws Exception {
        // given
        DecodeBudget budget = new DecodeBudget(1000, Duration.ofSeconds(30));
        DecodeBudget.Reservation first = budget.reserve(700, "first");

        // when: a second does not fit until the first is given back
        CompletableFuture<DecodeBudget.Reservation> second =
                CompletableFuture.supplyAsync(() -> budget.reserve(700, "second"));
        Thread.sleep(50);
        assertThat(second).isNotDone();
        first.close();

        // then
        second.get(10, TimeUnit.SECONDS).close();
        assertThat(budget.reserved()).isZero();
    }

    @Test
    void closingTwiceGivesTheBytesBackOnce() {
        DecodeBudget budget = new DecodeBudget(1000, Duration.ZERO);
        DecodeBudget.Reservation held = budget.reserve(600, "held");
        DecodeBudget.Reservation other = budget.reserve(400, "other");

        held.close();
        held.close();

        assertThat(budget.reserved()).isEqualTo(400);
        assertThatThrownBy(() -> budget.reserve(601, "too much now")).isInstanceOf(DecodeBusyException.class);
        other.close();
    }
}

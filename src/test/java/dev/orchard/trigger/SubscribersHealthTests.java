package dev.orchard.trigger;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.spring.pubsub.core.publisher.PubSubPublisherTemplate;
import com.google.cloud.spring.pubsub.core.subscriber.PubSubSubscriberTemplate;
import dev.orchard.system.Spans;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import tools.jackson.databind.json.JsonMapper;

/**
 * The trigger's phases as the {@code pubSub} health component reports them. The subscriber states
 * of running subscribers are covered against the emulator ({@code SubscribersHealthIntegrationTests}).
 */
class SubscribersHealthTests {

    @Test
    void beforeTheWorkerIsReadyTheSubscribersAreStartingWhichLeavesTheOverallStatusAlone() {
        PubSubTrigger trigger = trigger(failing("never asked"), "uploads", "commands");

        Health health = new SubscribersHealth(trigger).health();

        assertThat(health.getStatus()).isEqualTo(Status.UNKNOWN);
        assertThat(health.getDetails()).containsEntry("subscribers", "starting once the worker is ready");
    }

    @Test
    void clientsThatCannotBeBuiltAreDownWithTheCauseAndTheWorkerKeepsRunning() {
        PubSubTrigger trigger = trigger(failing("no credentials for Pub/Sub"), "uploads", "commands");

        trigger.start(); // logs, does not throw

        Health health = new SubscribersHealth(trigger).health();
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("error").toString()).contains("no credentials for Pub/Sub");
    }

    @Test
    void aStartThatFailsBecauseTheWorkerIsClosingIsAStopNotAnError() {
        PubSubTrigger trigger = trigger(failing("singletons of this factory are in destruction"), "uploads", "");
        trigger.closing();

        trigger.start();

        Health health = new SubscribersHealth(trigger).health();
        assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
        assertThat(health.getDetails()).doesNotContainKey("error");
    }

    @Test
    void withNoSubscriptionConfiguredThereIsNothingToBeDownAbout() {
        AtomicInteger built = new AtomicInteger();
        PubSubTrigger trigger = new PubSubTrigger(
                () -> {
                    built.incrementAndGet();
                    return null;
                },
                () -> {
                    built.incrementAndGet();
                    return null;
                },
                null,
                JsonMapper.builder().build(),
                new PubSubProperties(true, "", "", "dead"),
                new SimpleMeterRegistry(),
                Spans.OFF);

        trigger.start();

        Health health = new SubscribersHealth(trigger).health();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("subscribers", "none configured");
        assertThat(built).as("templates asked for").hasValue(2);
    }

    @Test
    void aStoppedTriggerIsOutOfServiceAndDoesNotSubscribeLater() {
        AtomicInteger asked = new AtomicInteger();
        PubSubTrigger trigger = trigger(
                () -> {
                    asked.incrementAndGet();
                    throw new IllegalStateException("must not be built after stop");
                },
                "uploads",
                "commands");

        trigger.stop();
        trigger.start();

        assertThat(asked).hasValue(0);
        assertThat(new SubscribersHealth(trigger).health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    }

    private static Supplier<PubSubSubscriberTemplate> failing(String why) {
        return () -> {
            throw new IllegalStateException(why);
        };
    }

    private static PubSubTrigger trigger(
            Supplier<PubSubSubscriberTemplate> subscriber, String notifications, String commands) {
        Supplier<PubSubPublisherTemplate> publisher = () -> null;
        return new PubSubTrigger(
                subscriber,
                publisher,
                null,
                JsonMapper.builder().build(),
                new PubSubProperties(true, notifications, commands, "dead"),
                new SimpleMeterRegistry(),
                Spans.OFF);
    }
}

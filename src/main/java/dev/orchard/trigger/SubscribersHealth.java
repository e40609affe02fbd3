package dev.orchard.trigger;

import com.google.api.core.ApiService;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The {@code pubSub} component of {@code /actuator/health}: whether this worker's subscribers are
 * taking messages. UP while every subscriber runs; DOWN when the clients could not be built or a
 * subscriber failed (a subscription that does not exist, a permission missing: the cause is in the
 * details); UNKNOWN while they start (which does not change the overall status); OUT_OF_SERVICE
 * once stopped. Not part of readiness: HTTP predictions do not need Pub/Sub.
 *
 * <p>It replaces spring-cloud-gcp's indicator, which pulls from a made-up subscription to see
 * whether Pub/Sub answers at all: that says nothing about this worker's own subscribers, and it
 * built the Pub/Sub clients during the context's start.
 */
final class SubscribersHealth implements HealthIndicator {

    private final PubSubTrigger trigger;

    SubscribersHealth(PubSubTrigger trigger) {
        this.trigger = trigger;
    }

    @Override
    public Health health() {
        PubSubTrigger.State state = trigger.state();
        Health.Builder health =
                switch (state.phase()) {
                    case NOT_STARTED -> Health.unknown().withDetail("subscribers", "starting once the worker is ready");
                    case FAILED_TO_SUBSCRIBE -> Health.down().withDetail("error", state.failure());
                    case STOPPED -> Health.outOfService();
                    case SUBSCRIBED -> subscribed(state);
                };
        state.subscribers().forEach((subscription, s) -> health.withDetail(subscription, s.toString()));
        return health.build();
    }

    private static Health.Builder subscribed(PubSubTrigger.State state) {
        if (state.subscribers().isEmpty()) {
            return Health.up().withDetail("subscribers", "none configured");
        }
        if (state.subscribers().values().stream().anyMatch(s -> s.state() == ApiService.State.FAILED)) {
            return Health.down();
        }
        return state.subscribers().values().stream().allMatch(s -> s.state() == ApiService.State.RUNNING)
                ? Health.up()
                : Health.unknown();
    }
}

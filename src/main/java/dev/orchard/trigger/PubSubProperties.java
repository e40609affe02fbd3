package dev.orchard.trigger;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code orchard.pubsub.*}: the Pub/Sub triggers (independent of the storage adapter: Pub/Sub with
 * the local store is a valid combination). The emulator and project are spring-cloud-gcp's own
 * settings: {@code spring.cloud.gcp.pubsub.emulator-host}, {@code spring.cloud.gcp.project-id}.
 *
 * @param enabled subscribe to the notification and command subscriptions
 * @param notificationSubscription Cloud Storage OBJECT_FINALIZE notifications (empty: none)
 * @param commandSubscription JSON commands (empty: none)
 * @param deadLetterTopic where malformed and rejected messages go, with the reason in the {@code
 *     orchard-error} attribute; transient failures are nacked and reach it through the
 *     subscription's dead-letter policy after its maximum delivery attempts
 */
@ConfigurationProperties("orchard.pubsub")
public record PubSubProperties(
        @DefaultValue("false") boolean enabled,
        @DefaultValue("orchard-uploads") String notificationSubscription,
        @DefaultValue("orchard-commands") String commandSubscription,
        @DefaultValue("orchard-dead-letter") String deadLetterTopic) {}

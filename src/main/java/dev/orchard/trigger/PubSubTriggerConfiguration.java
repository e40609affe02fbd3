package dev.orchard.trigger;

import com.google.cloud.spring.pubsub.core.publisher.PubSubPublisherTemplate;
import com.google.cloud.spring.pubsub.core.subscriber.PubSubSubscriberTemplate;
import dev.orchard.dispatch.JobDispatcher;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.ContextClosedEvent;
import tools.jackson.databind.json.JsonMapper;

/**
 * Subscribes once start-up (including the sample-model bootstrap) is done, on a thread of its own:
 * building spring-cloud-gcp's clients and the subscribers is not on the path to readiness or the
 * first prediction ({@link DeferredPubSubClients}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("orchard.pubsub.enabled")
class PubSubTriggerConfiguration {

    @Bean
    static BeanFactoryPostProcessor deferredPubSubClients() {
        return new DeferredPubSubClients();
    }

    @Bean(destroyMethod = "stop")
    PubSubTrigger pubSubTrigger(
            ObjectProvider<PubSubSubscriberTemplate> subscriber,
            ObjectProvider<PubSubPublisherTemplate> publisher,
            JobDispatcher dispatcher,
            JsonMapper json,
            PubSubProperties properties,
            MeterRegistry meters,
            dev.orchard.system.Spans spans) {
        return new PubSubTrigger(
                subscriber::getObject, publisher::getObject, dispatcher, json, properties, meters, spans);
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> startPubSubTrigger(PubSubTrigger trigger) {
        return event -> {
            Thread subscribing = new Thread(trigger::start, "orchard-pubsub-start");
            subscribing.setDaemon(true);
            subscribing.start();
        };
    }

    @Bean
    ApplicationListener<ContextClosedEvent> closingPubSubTrigger(PubSubTrigger trigger) {
        return event -> trigger.closing();
    }

    /** Named so that spring-cloud-gcp's connectivity indicator backs off (see {@link SubscribersHealth}). */
    @Bean
    @ConditionalOnEnabledHealthIndicator("pubsub")
    SubscribersHealth pubSubHealthIndicator(PubSubTrigger trigger) {
        return new SubscribersHealth(trigger);
    }
}

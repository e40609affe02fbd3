package dev.orchard.trigger;

import com.google.cloud.spring.pubsub.core.publisher.PubSubPublisherTemplate;
import com.google.cloud.spring.pubsub.core.subscriber.PubSubSubscriberTemplate;
import dev.orchard.dispatch.JobDispatcher;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Subscribes once start-up (including the sample-model bootstrap) is done. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("orchard.pubsub.enabled")
class PubSubTriggerConfiguration {

    @Bean(destroyMethod = "stop")
    PubSubTrigger pubSubTrigger(
            PubSubSubscriberTemplate subscriber,
            PubSubPublisherTemplate publisher,
            JobDispatcher dispatcher,
            JsonMapper json,
            PubSubProperties properties,
            MeterRegistry meters,
            dev.orchard.system.Spans spans) {
        return new PubSubTrigger(subscriber, publisher, dispatcher, json, properties, meters, spans);
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> startPubSubTrigger(PubSubTrigger trigger) {
        return event -> trigger.start();
    }
}

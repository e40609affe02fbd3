package dev.orchard.trigger;

import java.util.List;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Makes spring-cloud-gcp's Pub/Sub clients lazy: its gRPC channel providers, admin clients,
 * factories and templates are built when something first asks for them — the {@link PubSubTrigger}
 * on its own thread once the worker is ready — instead of on the main thread before Tomcat starts.
 * Nothing the first prediction needs uses them. Beans that are not defined (another shape, a
 * later spring-cloud-gcp) are skipped.
 */
final class DeferredPubSubClients implements BeanFactoryPostProcessor {

    /** spring-cloud-gcp's {@code GcpPubSubAutoConfiguration} and its emulator's channel. */
    static final List<String> BEANS = List.of(
            "subscriberTransportChannelProvider",
            "publisherTransportChannelProvider",
            "defaultSubscriberFactory",
            "defaultPublisherFactory",
            "pubSubSubscriberTemplate",
            "pubSubPublisherTemplate",
            "pubSubTemplate",
            "pubSubAdmin",
            "topicAdminClient",
            "topicAdminSettings",
            "subscriptionAdminClient",
            "publisherExecutorProvider",
            "pubSubAcknowledgementExecutor",
            "publisherBatchSettings",
            "publisherRetrySettings");

    @Override
    public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
        for (String name : BEANS) {
            if (beanFactory.containsBeanDefinition(name)) {
                beanFactory.getBeanDefinition(name).setLazyInit(true);
            }
        }
    }
}

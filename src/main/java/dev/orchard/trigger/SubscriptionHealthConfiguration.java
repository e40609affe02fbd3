package dev.orchard.trigger;

import com.google.api.gax.core.CredentialsProvider;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The Cloud Monitoring client of spring-cloud-gcp's subscription health indicator (each
 * subscriber's backlog), with the same credentials as the rest of spring-cloud-gcp. The
 * auto-configured one calls {@code MetricServiceClient.create()}, which only knows Application
 * Default Credentials: with a key file in {@code spring.cloud.gcp.credentials.location} (GKE
 * without Workload Identity, a VM outside Google Cloud) and no ADC, the worker did not start.
 * Same conditions as the indicator's auto-configuration, so it replaces that client and nothing
 * else.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("orchard.pubsub.enabled")
@ConditionalOnEnabledHealthIndicator("pubsub-subscriber")
@ConditionalOnProperty({"spring.cloud.gcp.pubsub.health.lagThreshold", "spring.cloud.gcp.pubsub.health.backlogThreshold"
})
class SubscriptionHealthConfiguration {

    @Bean(destroyMethod = "close")
    MetricServiceClient metricServiceClient(ObjectProvider<CredentialsProvider> gcpCredentials) throws IOException {
        MetricServiceSettings.Builder settings = MetricServiceSettings.newBuilder();
        // spring-cloud-gcp's provider (spring.cloud.gcp.credentials.*, else ADC); absent only
        // with spring.cloud.gcp.core.enabled=false, where the client's own default (ADC) remains
        gcpCredentials.ifAvailable(settings::setCredentialsProvider);
        return MetricServiceClient.create(settings.build());
    }
}

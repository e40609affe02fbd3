package dev.orchard.system;

import com.google.api.gax.core.CredentialsProvider;
import com.google.cloud.spring.autoconfigure.core.GcpProperties;
import com.google.cloud.spring.core.DefaultCredentialsProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * spring-cloud-gcp's credentials ({@code spring.cloud.gcp.credentials.*}, else Application Default
 * Credentials), looked up when first used ({@link DeferredCredentials}). Same conditions as
 * spring-cloud-gcp's own {@code googleCredentials}, which backs off for this one.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(DefaultCredentialsProvider.class)
@ConditionalOnBooleanProperty(name = "spring.cloud.gcp.core.enabled", matchIfMissing = true)
class GoogleCredentialsConfiguration {

    @Bean
    CredentialsProvider googleCredentials(GcpProperties properties) {
        return new DeferredCredentials(() -> new DefaultCredentialsProvider(properties));
    }
}

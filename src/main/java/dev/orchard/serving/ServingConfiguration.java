package dev.orchard.serving;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ServingConfiguration {

    @Bean(destroyMethod = "close")
    MicroBatcher microBatcher(ServingProperties properties) {
        ServingProperties.Batching batching = properties.batching();
        return new MicroBatcher(
                batching.maxBatchSize(), batching.maxWait(), batching.queueCapacity(), batching.threads());
    }
}

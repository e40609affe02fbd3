package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class ServingConfiguration {

    @Bean(destroyMethod = "close")
    MicroBatcher microBatcher(ServingProperties properties) {
        ServingProperties.Batching batching = properties.batching();
        return new MicroBatcher(
                batching.mode(),
                batching.maxBatchSize(),
                batching.maxWait(),
                batching.queueCapacity(),
                batching.threads());
    }

    @Bean
    TensorBodyReader tensorBodyReader(Environment environment, ServingProperties properties, ImageDecoder decoder) {
        return new TensorBodyReader(TensorBodies.maxBody(environment), properties.requests(), decoder.budget());
    }
}

package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ModelRegistry;
import org.springframework.beans.factory.BeanFactoryInitializer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

@Configuration(proxyBeanMethods = false)
class ServingConfiguration {

    @Bean
    ChampionScan championScan(ModelRegistry registry) {
        return new ChampionScan(registry);
    }

    /**
     * Builds {@link ChampionScan} before every other singleton, so the registry is read, and
     * TensorFlow's runtime loads for a SavedModel champion, while Spring builds the rest of the worker.
     */
    @Bean
    static BeanFactoryInitializer<ListableBeanFactory> championScanFirst() {
        return beanFactory -> beanFactory.getBean(ChampionScan.class);
    }

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

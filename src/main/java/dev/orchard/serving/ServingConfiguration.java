package dev.orchard.serving;

import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ModelRegistry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.BeanFactoryInitializer;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

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
    BodyBudget bodyBudget(ServingProperties properties) {
        return new BodyBudget(
                properties.requests().bodyBudgetBytes(), properties.requests().bodyWait());
    }

    /** {@code orchard.serving.body.bytes}: what the bodies being read or answered hold of the budget. */
    @Bean
    MeterBinder bodyBudgetGauge(BodyBudget budget) {
        return registry -> Gauge.builder("orchard.serving.body", budget, BodyBudget::reservedBytes)
                .description("bytes of prediction request bodies held in memory (orchard.serving.requests.body-budget)")
                .baseUnit("bytes")
                .register(registry);
    }

    @Bean
    TensorBodyReader tensorBodyReader(ServingProperties properties, ImageDecoder decoder, BodyBudget bodies) {
        return new TensorBodyReader(properties.requests(), decoder.budget(), bodies);
    }
}

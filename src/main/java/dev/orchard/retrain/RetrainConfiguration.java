package dev.orchard.retrain;

import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.registry.VersionedModels;
import dev.orchard.storage.BlobStore;
import dev.orchard.training.ModelTraining;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(RetrainProperties.class)
class RetrainConfiguration {

    @Bean(destroyMethod = "close")
    Retrainer retrainer(
            ModelTraining training,
            BlobStore store,
            ImageDecoder decoder,
            VersionedModels models,
            ModelRegistry registry,
            RetrainProperties properties,
            ObjectProvider<Clock> clock) {
        return new Retrainer(
                training,
                new RetrainGate(store, decoder, models),
                registry,
                store,
                properties,
                clock.getIfAvailable(Clock::systemUTC));
    }
}

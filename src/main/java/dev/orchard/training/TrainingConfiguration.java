package dev.orchard.training;

import dev.orchard.model.ImageDecoder;
import dev.orchard.registry.ModelRegistry;
import dev.orchard.storage.BlobStore;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TrainingConfiguration {

    @Bean
    TribuoCartTrainer tribuoCartTrainer() {
        return new TribuoCartTrainer();
    }

    @Bean
    TensorFlowCnnTrainer tensorFlowCnnTrainer() {
        return new TensorFlowCnnTrainer();
    }

    @Bean
    ModelTraining modelTraining(BlobStore store, ImageDecoder decoder, ModelRegistry registry, List<Trainer> trainers) {
        return new ModelTraining(store, decoder, registry, trainers);
    }
}

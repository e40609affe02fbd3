package dev.orchard.model;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class ModelConfiguration {

    @Bean
    ImageDecoder imageDecoder(ImageLimits limits) {
        return new ImageDecoder(limits);
    }
}

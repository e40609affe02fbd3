package dev.orchard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Orchard: event-driven scoring and retraining worker for image classifiers. */
@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class OrchardApplication {

    public static void main(String[] args) {
        SpringApplication.run(OrchardApplication.class, args);
    }
}

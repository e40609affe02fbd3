package dev.orchard.floor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * No beans of its own: what Spring Boot's auto-configuration starts for the dependencies on the
 * class path, ready when Actuator's readiness group is UP (Spring Security, when present, leaves
 * the health endpoint open).
 */
@SpringBootApplication
public class FloorApplication {

    public static void main(String[] args) {
        SpringApplication.run(FloorApplication.class, args);
    }
}

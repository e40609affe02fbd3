package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import dev.orchard.testing.ServiceAccountKeys;
import dev.orchard.testing.TestDirectories;
import dev.orchard.trigger.PubSubEmulator;
import dev.orchard.trigger.PubSubTrigger;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@code gcp} profile Terraform activates, with Pub/Sub on (against the emulator): the
 * subscription health indicator that reports each subscriber's backlog exists. It did not before:
 * its auto-configuration is conditional on the camelCase property names, and the kebab-case ones
 * in {@code application-gcp.yaml} bound but never matched. Its Cloud Monitoring client takes
 * spring-cloud-gcp's credentials (here a generated key file; it is never asked for a token).
 */
@EnabledIf("dev.orchard.testing.TestBackends#pubSubAvailable")
// text logs, not the profile's JSON: Logback is one per JVM, and the test contexts already cached
// (some read their text log lines) would log in JSON from here on. CloudLoggingFormatTests cover
// the JSON format. (A @DynamicPropertySource comes too late: logging is set up before it applies.)
@SpringBootTest(properties = "logging.structured.format.console=")
@ActiveProfiles("gcp")
@DirtiesContext // a Pub/Sub-enabled context no other test class shares
class GcpProfileIntegrationTests {

    static final String CLIENT_EMAIL = "orchard-worker@orchard-test.iam.gserviceaccount.com";
    static PubSubEmulator EMULATOR;
    static final Path DATA = TestDirectories.create("orchard-gcp-profile-");
    static final Path KEY = ServiceAccountKeys.write(DATA.resolve("key"), CLIENT_EMAIL, "orchard-test");

    @DynamicPropertySource
    static void pubSubWithLocalStore(DynamicPropertyRegistry registry) {
        EMULATOR = new PubSubEmulator();
        String deadLetterTopic = EMULATOR.topic("dead-letter");
        String uploads = EMULATOR.subscription("uploads", EMULATOR.topic("uploads"), deadLetterTopic, 5);
        String commands = EMULATOR.subscription("commands", EMULATOR.topic("commands"), deadLetterTopic, 5);
        EMULATOR.workerSettings(registry, DATA, uploads, commands, deadLetterTopic);
        // a key file, as on GKE without Workload Identity: this machine has no Application Default
        // Credentials, so a client that only knows ADC fails the start
        registry.add("spring.cloud.gcp.credentials.location", () -> "file:" + KEY);
    }

    @AfterAll
    static void cleanUp(@Autowired PubSubTrigger trigger) {
        trigger.stop();
        EMULATOR.close();
    }

    @Test
    void theSubscriptionBacklogHealthIndicatorExists(@Autowired ApplicationContext context) {
        assertThat(context.containsBean("pubSubSubscriptionHealthIndicator"))
                .as("spring-cloud-gcp's subscription health indicator (backlog from Cloud Monitoring)")
                .isTrue();
    }

    @Test
    void itsCloudMonitoringClientUsesSpringCloudGcpCredentials(@Autowired MetricServiceClient client) throws Exception {
        assertThat(client.getSettings().getCredentialsProvider().getCredentials())
                .isInstanceOfSatisfying(
                        ServiceAccountCredentials.class,
                        credentials -> assertThat(credentials.getClientEmail()).isEqualTo(CLIENT_EMAIL));
    }
}

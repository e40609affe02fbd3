package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import com.google.cloud.monitoring.v3.MetricServiceSettings;
import dev.orchard.testing.TestDirectories;
import dev.orchard.trigger.PubSubEmulator;
import dev.orchard.trigger.PubSubTrigger;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@code gcp} profile Terraform activates, with Pub/Sub on (against the emulator): the
 * subscription health indicator that reports each subscriber's backlog exists. It did not before:
 * its auto-configuration is conditional on the camelCase property names, and the kebab-case ones
 * in {@code application-gcp.yaml} bound but never matched. (On Cloud Run the indicator's Cloud
 * Monitoring client uses the service account; here it gets no credentials and is never asked.)
 */
@EnabledIf("dev.orchard.testing.TestBackends#pubSubAvailable")
// text logs, not the profile's JSON: Logback is one per JVM, and the test contexts already cached
// (some read their text log lines) would log in JSON from here on. CloudLoggingFormatTests cover
// the JSON format. (A @DynamicPropertySource comes too late: logging is set up before it applies.)
@SpringBootTest(properties = "logging.structured.format.console=")
@ActiveProfiles("gcp")
@DirtiesContext // a Pub/Sub-enabled context no other test class shares
class GcpProfileIntegrationTests {

    static PubSubEmulator EMULATOR;
    static final Path DATA = TestDirectories.create("orchard-gcp-profile-");

    @DynamicPropertySource
    static void pubSubWithLocalStore(DynamicPropertyRegistry registry) {
        EMULATOR = new PubSubEmulator();
        String deadLetterTopic = EMULATOR.topic("dead-letter");
        String uploads = EMULATOR.subscription("uploads", EMULATOR.topic("uploads"), deadLetterTopic, 5);
        String commands = EMULATOR.subscription("commands", EMULATOR.topic("commands"), deadLetterTopic, 5);
        EMULATOR.workerSettings(registry, DATA, uploads, commands, deadLetterTopic);
    }

    @AfterAll
    static void cleanUp(@Autowired PubSubTrigger trigger) {
        trigger.stop();
        EMULATOR.close();
    }

    @TestConfiguration
    static class NoGoogleAccount {

        /**
         * The indicator's Cloud Monitoring client without credentials (this machine has no
         * Application Default Credentials; on Cloud Run the auto-configured one uses the service
         * account). Creating it contacts nothing.
         */
        @Bean(destroyMethod = "close")
        MetricServiceClient metricServiceClient() throws IOException {
            return MetricServiceClient.create(MetricServiceSettings.newBuilder()
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build());
        }
    }

    @Test
    void theSubscriptionBacklogHealthIndicatorExists(@Autowired ApplicationContext context) {
        assertThat(context.containsBean("pubSubSubscriptionHealthIndicator"))
                .as("spring-cloud-gcp's subscription health indicator (backlog from Cloud Monitoring)")
                .isTrue();
    }
}

package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.monitoring.v3.MetricServiceClient;
import dev.orchard.testing.OtlpReceiver;
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
 * spring-cloud-gcp's credentials (here a generated key file; it is never asked for a token). And
 * the profile sends spans and metrics over OTLP to {@code ORCHARD_OTLP_ENDPOINT} (on Cloud Run the
 * collector sidecar; here a local receiver): a command message carrying a {@code traceparent} is a
 * span in its publisher's trace.
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
    static final OtlpReceiver RECEIVER = OtlpReceiver.start();
    static String commandsTopic;
    static String commandsSubscription;

    @DynamicPropertySource
    static void pubSubWithLocalStore(DynamicPropertyRegistry registry) {
        EMULATOR = new PubSubEmulator();
        String deadLetterTopic = EMULATOR.topic("dead-letter");
        String uploads = EMULATOR.subscription("uploads", EMULATOR.topic("uploads"), deadLetterTopic, 5);
        commandsTopic = EMULATOR.topic("commands");
        String commands = EMULATOR.subscription("commands", commandsTopic, deadLetterTopic, 5);
        commandsSubscription = commands;
        EMULATOR.workerSettings(registry, DATA, uploads, commands, deadLetterTopic);
        // a key file, as on GKE without Workload Identity: this machine has no Application Default
        // Credentials, so a client that only knows ADC fails the start
        registry.add("spring.cloud.gcp.credentials.location", () -> "file:" + KEY);
        // what infra/run.tf sets: the collector's address, the share of new traces kept
        registry.add("ORCHARD_OTLP_ENDPOINT", RECEIVER::endpoint);
        registry.add("ORCHARD_TRACE_SAMPLING", () -> "1.0");
        registry.add("management.opentelemetry.tracing.export.schedule-delay", () -> "200ms");
        registry.add("management.otlp.metrics.export.step", () -> "1s");
    }

    @AfterAll
    static void cleanUp(@Autowired PubSubTrigger trigger) {
        trigger.stop();
        EMULATOR.close();
        RECEIVER.close();
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

    @Test
    void aCommandMessageIsASpanInItsPublishersTraceAndTelemetryLeavesOverOtlp() {
        String trace = "5bf92f3577b34da6a3ce929d0e0e4737";
        String publisher = "10f067aa0ba902b8";

        // a command that is refused (unknown job): handled, dead-lettered, and traced
        EMULATOR.publish(
                commandsTopic,
                com.google.pubsub.v1.PubsubMessage.newBuilder()
                        .setData(com.google.protobuf.ByteString.copyFromUtf8("{\"job\":\"dance\"}"))
                        .putAttributes("traceparent", "00-" + trace + "-" + publisher + "-01")
                        .build());

        OtlpReceiver.ReceivedSpan received = org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(
                        () -> RECEIVER.spans().stream()
                                .filter(span -> span.name().equals("pubsub " + commandsSubscription))
                                .findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
        assertThat(received.traceId()).isEqualTo(trace);
        assertThat(received.parentSpanId()).isEqualTo(publisher);
        assertThat(received.kind()).isEqualTo("SPAN_KIND_INTERNAL");
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(RECEIVER.metrics()).contains("orchard.pubsub.messages"));
    }
}

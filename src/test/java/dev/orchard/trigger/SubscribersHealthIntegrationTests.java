package dev.orchard.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.cloud.spring.pubsub.core.PubSubTemplate;
import com.google.pubsub.v1.PubsubMessage;
import dev.orchard.storage.BlobStore;
import dev.orchard.storage.ObjectRef;
import dev.orchard.storage.WritePrecondition;
import dev.orchard.testing.TestDirectories;
import dev.orchard.training.SampleDataset;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A worker whose command subscription does not exist, against the emulator: it becomes ready and
 * serves, its notification subscriber takes uploads, and {@code /actuator/health} says which
 * subscriber failed and why. The Pub/Sub clients are built after start-up, not during it.
 */
@EnabledIf("dev.orchard.testing.TestBackends#pubSubAvailable")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class SubscribersHealthIntegrationTests {

    static PubSubEmulator EMULATOR;
    static final Path DATA = TestDirectories.create("orchard-subscribers-health-it-");
    static String uploadsTopic;
    static String uploads;
    static String missing;

    @DynamicPropertySource
    static void oneSubscriptionMissing(DynamicPropertyRegistry registry) {
        EMULATOR = new PubSubEmulator();
        String deadLetterTopic = EMULATOR.topic("dead-letter");
        uploadsTopic = EMULATOR.topic("uploads");
        uploads = EMULATOR.subscription("uploads", uploadsTopic, deadLetterTopic, 5);
        missing = "never-created-" + System.nanoTime();
        EMULATOR.workerSettings(registry, DATA, uploads, missing, deadLetterTopic);
    }

    @AfterAll
    static void cleanUp(@Autowired PubSubTrigger trigger) {
        trigger.stop();
        EMULATOR.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    BlobStore store;

    @Autowired
    PubSubTemplate pubSub;

    static final HttpClient HTTP = HttpClient.newHttpClient();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void theFailedSubscriberIsDownWithItsCauseWhileTheOtherTakesUploadsAndTheWorkerServes() throws Exception {
        // then: ready, and the failed subscriber is named with its cause
        assertThat(get("/actuator/health/readiness").statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode pubSubHealth = json.readTree(get("/actuator/health").body())
                    .path("components")
                    .path("pubSub");
            assertThat(pubSubHealth.path("status").asString()).isEqualTo("DOWN");
            assertThat(pubSubHealth.path("details").path(missing).asString())
                    .startsWith("FAILED")
                    .contains("NOT_FOUND");
            assertThat(pubSubHealth.path("details").path(uploads).asString()).isEqualTo("RUNNING");
        });

        // and: the running subscriber still scores uploads
        ObjectRef upload = store.put(
                "local",
                "uploads/health.png",
                Files.readAllBytes(SampleDataset.images().get(0)),
                WritePrecondition.none());
        pubSub.publish(
                        uploadsTopic,
                        PubsubMessage.newBuilder()
                                .putAttributes("eventType", "OBJECT_FINALIZE")
                                .putAttributes("bucketId", upload.bucket())
                                .putAttributes("objectId", upload.name())
                                .putAttributes("objectGeneration", Long.toString(upload.generation()))
                                .putAttributes("payloadFormat", "JSON_API_V1")
                                .build())
                .join();
        Path result = DATA.resolve("local/predictions/uploads/health.png.json");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(result));
    }

    @Test
    void spring_cloud_gcpsPubSubClientsAndCredentialsAreLazySoTheStartDoesNotBuildThem(
            @Autowired ConfigurableApplicationContext context) {
        for (String bean : DeferredPubSubClients.BEANS) {
            if (context.getBeanFactory().containsBeanDefinition(bean)) {
                assertThat(context.getBeanFactory().getBeanDefinition(bean).isLazyInit())
                        .as(bean)
                        .isTrue();
            }
        }
        assertThat(context.getBeanFactory().containsBeanDefinition("subscriberTransportChannelProvider"))
                .as("the emulator's channel is among them")
                .isTrue();
        assertThat(context.getBean(com.google.api.gax.core.CredentialsProvider.class))
                .as("credentials looked up when first used, not while the context starts")
                .isInstanceOf(dev.orchard.system.DeferredCredentials.class);
        assertThat(context.getBeanFactory().containsBeanDefinition("pubSubHealthContributor"))
                .as("spring-cloud-gcp's connectivity indicator, which built the clients during the start")
                .isFalse();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

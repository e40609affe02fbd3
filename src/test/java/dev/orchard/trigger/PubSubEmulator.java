package dev.orchard.trigger;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStubSettings;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import dev.orchard.testing.TestBackends;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Fresh topics and subscriptions on Google's Pub/Sub emulator for one test class (the emulator may
 * stop delivering on a subscription whose streaming subscriber stopped, so nothing is reused).
 * {@link TestBackends} says where it runs.
 */
public final class PubSubEmulator implements AutoCloseable {

    public static final String PROJECT = "orchard-test";

    private final String host;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final ManagedChannel channel;
    private final FixedTransportChannelProvider channels;
    private final TopicAdminClient topics;
    private final SubscriptionAdminClient subscriptions;
    private final List<String> createdTopics = new ArrayList<>();
    private final List<String> createdSubscriptions = new ArrayList<>();

    public PubSubEmulator() {
        this.host = TestBackends.pubSubEmulatorHost();
        this.channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();
        this.channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
        try {
            topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                    .setTransportChannelProvider(channels)
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build());
            subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                    .setTransportChannelProvider(channels)
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public String host() {
        return host;
    }

    /** A Cloud Storage OBJECT_FINALIZE notification as Cloud Storage publishes it (attributes, JSON body). */
    public static PubsubMessage notification(String bucket, String object, String generation) {
        return PubsubMessage.newBuilder()
                .setData(com.google.protobuf.ByteString.copyFromUtf8("{}"))
                .putAttributes("eventType", "OBJECT_FINALIZE")
                .putAttributes("bucketId", bucket)
                .putAttributes("objectId", object)
                .putAttributes("objectGeneration", generation)
                .putAttributes("payloadFormat", "JSON_API_V1")
                .build();
    }

    /** The OBJECT_FINALIZE notification of {@code upload}. */
    public static PubsubMessage notification(dev.orchard.storage.ObjectRef upload) {
        return notification(upload.bucket(), upload.name(), Long.toString(upload.generation()));
    }

    /** A unique name for this run. */
    public String name(String base) {
        return base + "-" + suffix;
    }

    public String topic(String base) {
        String name = name(base);
        topics.createTopic(TopicName.of(PROJECT, name));
        createdTopics.add(name);
        return name;
    }

    /** A subscription with a dead-letter policy (when {@code deadLetterTopic} is given). */
    public String subscription(String base, String topic, String deadLetterTopic, int maxDeliveryAttempts) {
        String name = name(base);
        Subscription.Builder builder = Subscription.newBuilder()
                .setName(ProjectSubscriptionName.of(PROJECT, name).toString())
                .setTopic(TopicName.of(PROJECT, topic).toString())
                .setAckDeadlineSeconds(20);
        if (deadLetterTopic != null) {
            builder.setDeadLetterPolicy(DeadLetterPolicy.newBuilder()
                    .setDeadLetterTopic(TopicName.of(PROJECT, deadLetterTopic).toString())
                    .setMaxDeliveryAttempts(maxDeliveryAttempts));
        }
        subscriptions.createSubscription(builder.build());
        createdSubscriptions.add(name);
        return name;
    }

    /**
     * The settings of an in-process worker on the local store under {@code data} that takes its
     * triggers from this emulator: uploads and commands on the given subscriptions, rejects to
     * {@code deadLetterTopic}, no directory watcher.
     */
    public void workerSettings(
            DynamicPropertyRegistry registry, Path data, String uploads, String commands, String deadLetterTopic) {
        registry.add("orchard.storage.local.root", data::toString);
        registry.add("orchard.registry.work-dir", () -> data.resolve("work").toString());
        registry.add("orchard.trigger.local.enabled", () -> "false");
        registry.add("orchard.pubsub.enabled", () -> "true");
        registry.add("orchard.pubsub.notification-subscription", () -> uploads);
        registry.add("orchard.pubsub.command-subscription", () -> commands);
        registry.add("orchard.pubsub.dead-letter-topic", () -> deadLetterTopic);
        registry.add("spring.cloud.gcp.pubsub.emulator-host", this::host);
        registry.add("spring.cloud.gcp.project-id", () -> PROJECT);
    }

    /** Publishes one message and waits until the emulator has it. */
    public void publish(String topic, PubsubMessage message) {
        try {
            Publisher publisher = Publisher.newBuilder(TopicName.of(PROJECT, topic))
                    .setChannelProvider(channels)
                    .setCredentialsProvider(NoCredentialsProvider.create())
                    .build();
            try {
                publisher.publish(message).get(30, TimeUnit.SECONDS);
            } finally {
                publisher.shutdown();
                publisher.awaitTermination(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish to " + topic, e);
        }
    }

    /** Pulls what {@code subscription} has now (up to {@code max}) and acknowledges it. */
    public List<PubsubMessage> pull(String subscription, int max) {
        try (SubscriberStub stub = GrpcSubscriberStub.create(SubscriberStubSettings.newBuilder()
                .setTransportChannelProvider(channels)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build())) {
            String name = ProjectSubscriptionName.format(PROJECT, subscription);
            PullResponse response = stub.pullCallable()
                    .call(PullRequest.newBuilder()
                            .setSubscription(name)
                            .setMaxMessages(max)
                            .setReturnImmediately(true)
                            .build());
            if (response.getReceivedMessagesCount() > 0) {
                stub.acknowledgeCallable()
                        .call(AcknowledgeRequest.newBuilder()
                                .setSubscription(name)
                                .addAllAckIds(response.getReceivedMessagesList().stream()
                                        .map(ReceivedMessage::getAckId)
                                        .toList())
                                .build());
            }
            return response.getReceivedMessagesList().stream()
                    .map(ReceivedMessage::getMessage)
                    .toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        createdSubscriptions.forEach(
                s -> quietly(() -> subscriptions.deleteSubscription(ProjectSubscriptionName.of(PROJECT, s))));
        createdTopics.forEach(t -> quietly(() -> topics.deleteTopic(TopicName.of(PROJECT, t))));
        subscriptions.close();
        topics.close();
        channel.shutdownNow();
    }

    private static void quietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException ignored) {
            // cleanup only
        }
    }
}

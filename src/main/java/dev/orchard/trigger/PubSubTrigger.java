package dev.orchard.trigger;

import com.google.api.core.ApiService;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.spring.pubsub.core.publisher.PubSubPublisherTemplate;
import com.google.cloud.spring.pubsub.core.subscriber.PubSubSubscriberTemplate;
import com.google.cloud.spring.pubsub.support.BasicAcknowledgeablePubsubMessage;
import com.google.pubsub.v1.PubsubMessage;
import dev.orchard.dispatch.JobDispatcher;
import dev.orchard.dispatch.JobRequest;
import dev.orchard.dispatch.RejectedRequestException;
import dev.orchard.storage.ObjectRef;
import dev.orchard.system.Outcome;
import dev.orchard.system.Spans;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import tools.jackson.databind.json.JsonMapper;

/**
 * Pub/Sub inbound adapter: Cloud Storage notifications and JSON commands become {@link JobRequest}s.
 *
 * <p>Ack discipline: a message is acked only once its work is done and its result written (or the
 * work was a duplicate, or needs no work: non-FINALIZE events, objects outside every spec). Transient
 * failures (storage down, no free worker) are nacked and redelivered, ending on the dead-letter topic
 * after the subscription's maximum delivery attempts. Messages that can never succeed (not a
 * notification, malformed or unknown commands, unknown models) are published to the dead-letter
 * topic with the reason in the {@code orchard-error} attribute, then acked, so they never loop.
 */
public final class PubSubTrigger {

    public static final String ERROR_ATTRIBUTE = "orchard-error";
    public static final String SUBSCRIPTION_ATTRIBUTE = "orchard-subscription";
    private static final Logger log = LoggerFactory.getLogger(PubSubTrigger.class);

    private final Supplier<PubSubSubscriberTemplate> subscriberTemplate;
    private final Supplier<PubSubPublisherTemplate> publisherTemplate;
    private volatile PubSubPublisherTemplate publisher;
    private final JobDispatcher dispatcher;
    private final JsonMapper json;
    private final PubSubProperties properties;
    private final MeterRegistry meters;
    private final Spans spans;
    private final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> inFlight =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Subscriber> subscribers = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile Phase phase = Phase.NOT_STARTED;
    private volatile RuntimeException startFailure;
    private volatile boolean closing;

    /** Where the trigger is in its life: {@link #state()} reports it with the subscribers'. */
    enum Phase {
        NOT_STARTED,
        SUBSCRIBED,
        FAILED_TO_SUBSCRIBE,
        STOPPED
    }

    /**
     * The templates are supplied, not given: spring-cloud-gcp's clients (gRPC channel, credentials)
     * are built by the first {@link #start()}, which runs on its own thread once the worker is
     * ready, so they are not on the path to the first prediction.
     */
    public PubSubTrigger(
            Supplier<PubSubSubscriberTemplate> subscriber,
            Supplier<PubSubPublisherTemplate> publisher,
            JobDispatcher dispatcher,
            JsonMapper json,
            PubSubProperties properties,
            MeterRegistry meters,
            Spans spans) {
        this.spans = spans;
        this.subscriberTemplate = subscriber;
        this.publisherTemplate = publisher;
        this.dispatcher = dispatcher;
        this.json = json;
        this.properties = properties;
        this.meters = meters;
    }

    /**
     * Subscribes to the configured subscriptions. A failure to build the clients or a subscriber is
     * logged and reported by {@link #state()} (the {@code pubSub} health component), not thrown:
     * the worker keeps serving HTTP. Does nothing after {@link #stop()}.
     */
    public synchronized void start() {
        if (phase != Phase.NOT_STARTED) {
            return;
        }
        try {
            publisher = publisherTemplate.get();
            PubSubSubscriberTemplate subscriber = subscriberTemplate.get();
            if (!blank(properties.notificationSubscription())) {
                watch(
                        properties.notificationSubscription(),
                        subscriber.subscribe(properties.notificationSubscription(), this::onNotification));
                log.info("subscribed to Cloud Storage notifications on {}", properties.notificationSubscription());
            }
            if (!blank(properties.commandSubscription())) {
                watch(
                        properties.commandSubscription(),
                        subscriber.subscribe(properties.commandSubscription(), this::onCommand));
                log.info("subscribed to commands on {}", properties.commandSubscription());
            }
            phase = Phase.SUBSCRIBED;
        } catch (RuntimeException e) {
            if (closing) { // the context closed while the clients were being built
                phase = Phase.STOPPED;
                log.info("the worker stopped before its Pub/Sub subscribers started: {}", e.toString());
                return;
            }
            startFailure = e;
            phase = Phase.FAILED_TO_SUBSCRIBE;
            log.error(
                    "cannot subscribe to Pub/Sub; this worker takes no notifications or commands until it"
                            + " restarts (GET /actuator/health shows it under pubSub)",
                    e);
        }
    }

    private void watch(String subscription, Subscriber subscriber) {
        subscribers.put(subscription, subscriber);
        subscriber.addListener(
                new ApiService.Listener() {
                    @Override
                    public void failed(ApiService.State from, Throwable failure) {
                        log.error(
                                "the subscriber of {} failed ({}); this worker takes nothing from it until it"
                                        + " restarts (GET /actuator/health shows it under pubSub)",
                                subscription,
                                failure.toString());
                    }
                },
                Runnable::run); // on the thread that failed it: the listener only logs
    }

    /**
     * The context is closing: a {@link #start()} still building the clients will fail as the bean
     * factory refuses new beans, and that is not an error to report.
     */
    void closing() {
        closing = true;
    }

    public synchronized void stop() {
        phase = Phase.STOPPED;
        List<Subscriber> running;
        synchronized (subscribers) {
            running = List.copyOf(subscribers.values());
        }
        running.forEach(Subscriber::stopAsync);
        for (Subscriber s : running) {
            if (s.state() == ApiService.State.FAILED) {
                continue; // stopped already, and its failure was logged
            }
            try {
                s.awaitTerminated(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | IllegalStateException e) {
                log.warn("subscriber did not stop cleanly: {}", e.toString());
            }
        }
        subscribers.clear();
    }

    /** The trigger's phase, why subscribing failed (if it did), and each subscriber's state. */
    State state() {
        Map<String, Subscription> states = new LinkedHashMap<>();
        synchronized (subscribers) { // not the trigger's lock: start() holds that while it builds the clients
            subscribers.forEach((subscription, s) -> states.put(
                    subscription,
                    new Subscription(s.state(), s.state() == ApiService.State.FAILED ? s.failureCause() : null)));
        }
        RuntimeException failure = startFailure;
        return new State(phase, failure == null ? null : failure.toString(), states);
    }

    record State(Phase phase, String failure, Map<String, Subscription> subscribers) {}

    /** A subscriber's state, and its cause when it failed. */
    record Subscription(ApiService.State state, Throwable failure) {

        @Override
        public String toString() {
            return failure == null ? state.name() : state.name() + ": " + failure;
        }
    }

    void onNotification(BasicAcknowledgeablePubsubMessage message) {
        String subscription = properties.notificationSubscription();
        traced(message, subscription, () -> handleNotification(message, subscription));
    }

    /**
     * Runs {@code handling} as a span {@code pubsub <subscription>} in the message's trace (its W3C
     * {@code traceparent} attribute), or a new one; its trace id is in the logging MDC meanwhile.
     */
    private void traced(BasicAcknowledgeablePubsubMessage message, String subscription, Runnable handling) {
        try (Spans.Active span = spans.receive(
                        "pubsub " + subscription, message.getPubsubMessage().getAttributesMap())
                .tag("messaging.system", "gcp_pubsub")
                .tag("messaging.destination.subscription.name", subscription)
                .tag("messaging.message.id", message.getPubsubMessage().getMessageId())) {
            handling.run();
        }
    }

    private void handleNotification(BasicAcknowledgeablePubsubMessage message, String subscription) {
        try {
            Optional<ObjectRef> upload =
                    GcsNotification.parse(message.getPubsubMessage().getAttributesMap());
            if (upload.isEmpty()) {
                count(subscription, "ignored-event");
                message.ack();
                return;
            }
            settle(message, subscription, dispatcher.dispatch(new JobRequest.ScoreUpload(upload.get(), "pubsub")));
        } catch (MalformedMessageException | RejectedRequestException | IllegalArgumentException e) {
            deadLetter(message, subscription, e.getMessage());
        } catch (RuntimeException e) {
            unexpected(message, subscription, e);
        }
    }

    void onCommand(BasicAcknowledgeablePubsubMessage message) {
        String subscription = properties.commandSubscription();
        traced(message, subscription, () -> handleCommand(message, subscription));
    }

    private void handleCommand(BasicAcknowledgeablePubsubMessage message, String subscription) {
        try {
            JobRequest request =
                    CommandMessage.parse(message.getPubsubMessage().getData().toByteArray(), json);
            if (request instanceof JobRequest.ScorePrefix score && score.id() == null) {
                // redeliveries of one message are one run
                request = score.withId("msg-" + message.getPubsubMessage().getMessageId());
            }
            log.info("command from {}: {}", subscription, request);
            settle(message, subscription, dispatcher.dispatch(request));
        } catch (MalformedMessageException | RejectedRequestException | IllegalArgumentException e) {
            deadLetter(message, subscription, e.getMessage());
        } catch (RuntimeException e) {
            unexpected(message, subscription, e);
        }
    }

    private void settle(
            BasicAcknowledgeablePubsubMessage message, String subscription, CompletableFuture<Outcome> work) {
        java.util.concurrent.atomic.AtomicInteger held = inFlight.computeIfAbsent(subscription, s -> {
            java.util.concurrent.atomic.AtomicInteger counter = new java.util.concurrent.atomic.AtomicInteger();
            io.micrometer.core.instrument.Gauge.builder("orchard.pubsub.in.flight", counter, Number::doubleValue)
                    .description("messages this worker holds unacknowledged while their work runs")
                    .tag("subscription", s)
                    .register(meters);
            return counter;
        });
        held.incrementAndGet();
        work.whenComplete((outcome, error) -> held.decrementAndGet());
        java.util.Map<String, String> context = MDC.getCopyOfContextMap();
        work.whenComplete((outcome, error) -> {
            java.util.Map<String, String> previous = MDC.getCopyOfContextMap();
            MDC.setContextMap(context == null ? java.util.Map.of() : context);
            try {
                Outcome result = error == null ? outcome : Outcome.FAILED;
                if (error instanceof RejectedRequestException rejected) {
                    deadLetter(message, subscription, rejected.getMessage());
                    return;
                }
                count(subscription, result.name().toLowerCase(java.util.Locale.ROOT));
                switch (result) {
                    case COMPLETED, DUPLICATE, UNMATCHED -> message.ack();
                    case BUSY, FAILED -> message.nack();
                    default -> throw new IllegalStateException("unknown outcome " + result);
                }
            } finally {
                MDC.setContextMap(previous == null ? java.util.Map.of() : previous);
            }
        });
    }

    private void deadLetter(BasicAcknowledgeablePubsubMessage message, String subscription, String reason) {
        PubsubMessage original = message.getPubsubMessage();
        count(subscription, "dead-lettered");
        log.warn(
                "message {} from {} goes to {}: {}",
                original.getMessageId(),
                subscription,
                properties.deadLetterTopic(),
                DeadLetter.truncate(String.valueOf(reason)));
        try {
            publisher
                    .publish(properties.deadLetterTopic(), DeadLetter.of(original, reason, subscription))
                    .whenComplete((id, error) -> {
                        if (error == null) {
                            message.ack();
                        } else {
                            cannotDeadLetter(message, error);
                        }
                    });
        } catch (RuntimeException e) {
            cannotDeadLetter(message, e);
        }
    }

    private void cannotDeadLetter(BasicAcknowledgeablePubsubMessage message, Throwable error) {
        log.error(
                "cannot publish to dead-letter topic {}; the message is redelivered until the subscription's"
                        + " dead-letter policy takes it",
                properties.deadLetterTopic(),
                error);
        message.nack();
    }

    /** A failure nobody planned for: logged, and nacked so the subscription's policy bounds the redelivery. */
    private void unexpected(BasicAcknowledgeablePubsubMessage message, String subscription, RuntimeException e) {
        log.error(
                "message {} from {} failed unexpectedly; nacked",
                message.getPubsubMessage().getMessageId(),
                subscription,
                e);
        count(subscription, "failed");
        message.nack();
    }

    private void count(String subscription, String outcome) {
        meters.counter("orchard.pubsub.messages", "subscription", subscription, "outcome", outcome)
                .increment();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}

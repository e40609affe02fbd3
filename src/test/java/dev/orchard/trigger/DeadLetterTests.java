package dev.orchard.trigger;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import org.junit.jupiter.api.Test;

/** A dead letter always fits Pub/Sub's limits, whatever the original and the reason hold. */
class DeadLetterTests {

    @Test
    void aSmallMessageIsKeptWholeWithItsReason() {
        PubsubMessage original = PubsubMessage.newBuilder()
                .setData(ByteString.copyFromUtf8("{\"job\":\"nope\"}"))
                .putAttributes("traceparent", "00-abc-def-01")
                .build();

        PubsubMessage letter = DeadLetter.of(original, "unknown job 'nope'", "orchard-commands");

        assertThat(letter.getData()).isEqualTo(original.getData());
        assertThat(letter.getAttributesMap())
                .containsEntry("traceparent", "00-abc-def-01")
                .containsEntry(PubSubTrigger.ERROR_ATTRIBUTE, "unknown job 'nope'")
                .containsEntry(PubSubTrigger.SUBSCRIPTION_ATTRIBUTE, "orchard-commands");
    }

    @Test
    void everythingTooLargeIsCutToPubSubsLimitsAndSaysSo() {
        // given: 100 attributes of 1,024 bytes, 10 MB of data, a reason of 5,000 three-byte characters
        PubsubMessage.Builder builder = PubsubMessage.newBuilder().setData(ByteString.copyFrom(new byte[10 << 20]));
        for (int i = 0; i < 100; i++) {
            builder.putAttributes("a" + i, "v".repeat(1024));
        }
        builder.putAttributes(PubSubTrigger.ERROR_ATTRIBUTE, "an earlier reason");
        String reason = "€".repeat(5000);

        // when
        PubsubMessage letter = DeadLetter.of(builder.build(), reason, "orchard-uploads");

        // then
        assertThat(letter.getAttributesCount()).isLessThanOrEqualTo(100);
        letter.getAttributesMap().values().forEach(value -> assertThat(value.getBytes(UTF_8).length)
                .isLessThanOrEqualTo(1024));
        assertThat(letter.getAttributesMap().get(PubSubTrigger.ERROR_ATTRIBUTE))
                .startsWith("€€€")
                .endsWith("...")
                .doesNotContain("\uFFFD");
        assertThat(letter.getAttributesMap()).containsKey(DeadLetter.TRUNCATED_ATTRIBUTE);
        assertThat(letter.getSerializedSize()).isLessThan(10_000_000);
    }
}

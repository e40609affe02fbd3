package dev.orchard.trigger;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The message a rejected one becomes on the dead-letter topic: its data and attributes, the
 * reason and the subscription it came from, always within Pub/Sub's limits (100 attributes, 1,024
 * bytes per attribute value, 10 MB per message), so publishing it never fails for what the
 * original or the reason holds; what had to be cut is said in attributes.
 */
final class DeadLetter {

    static final String TRUNCATED_ATTRIBUTE = "orchard-truncated";
    static final int MAX_VALUE_BYTES = 1024;
    static final int MAX_ATTRIBUTES = 100;
    /** Pub/Sub's 10 MB per message, less room for the attributes. */
    static final int MAX_DATA_BYTES = 9 * 1024 * 1024;

    private DeadLetter() {}

    static PubsubMessage of(PubsubMessage original, String reason, String subscription) {
        PubsubMessage.Builder letter = PubsubMessage.newBuilder();
        ByteString data = original.getData();
        int kept = MAX_ATTRIBUTES - 3;
        for (Map.Entry<String, String> attribute : original.getAttributesMap().entrySet()) {
            if (kept > 0 && !attribute.getKey().startsWith("orchard-")) {
                letter.putAttributes(attribute.getKey(), truncate(attribute.getValue()));
                kept--;
            }
        }
        if (data.size() > MAX_DATA_BYTES) {
            letter.putAttributes(
                    TRUNCATED_ATTRIBUTE, "data cut from " + data.size() + " to " + MAX_DATA_BYTES + " bytes");
            data = data.substring(0, MAX_DATA_BYTES);
        }
        return letter.setData(data)
                .putAttributes(
                        PubSubTrigger.ERROR_ATTRIBUTE,
                        truncate(reason == null || reason.isBlank() ? "rejected" : reason))
                .putAttributes(PubSubTrigger.SUBSCRIPTION_ATTRIBUTE, truncate(subscription))
                .build();
    }

    /** At most {@value #MAX_VALUE_BYTES} bytes of UTF-8, cut at a character boundary. */
    static String truncate(String value) {
        if (value.length() * 3 <= MAX_VALUE_BYTES || value.getBytes(StandardCharsets.UTF_8).length <= MAX_VALUE_BYTES) {
            return value;
        }
        CharsetEncoder encoder = StandardCharsets.UTF_8
                .newEncoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        ByteBuffer out = ByteBuffer.allocate(MAX_VALUE_BYTES - 3);
        CharBuffer in = CharBuffer.wrap(value);
        encoder.encode(in, out, true); // stops before a character that does not fit whole
        return new String(out.array(), 0, out.position(), StandardCharsets.UTF_8) + "...";
    }
}

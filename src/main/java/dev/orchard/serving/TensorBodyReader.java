package dev.orchard.serving;

import dev.orchard.model.DecodeBudget;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Function;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON body of a tensor route ({@code :predict}, V2 {@code infer}) within bounds set
 * deliberately: the size limit is enforced before parsing (from {@code Content-Length} when sent,
 * and while reading), Jackson's {@link StreamReadConstraints} limit nesting, number, string and
 * name lengths, and the parsed tree's memory is reserved from the process's {@link DecodeBudget}
 * while the body is parsed and turned into model rows, so concurrent large bodies wait or get 503
 * instead of exhausting the heap together.
 */
final class TensorBodyReader {

    /**
     * Heap a parsed JSON tree may take per byte of body, at worst: a 3-byte {@code [],} is an array
     * node and its list (~48 bytes), a 4-byte {@code 123,} a number node and its reference (~24).
     */
    static final int TREE_BYTES_PER_BODY_BYTE = 16;

    private final long maxBody;
    private final JsonMapper json;
    private final DecodeBudget budget;
    private final BodyBudget bodies;

    TensorBodyReader(ServingProperties.Requests limits, DecodeBudget budget, BodyBudget bodies) {
        this.maxBody = limits.maxBody().toBytes();
        this.bodies = bodies;
        this.budget = budget;
        int maxString = (int) Math.min(Integer.MAX_VALUE - 8, maxBody);
        this.json = JsonMapper.builder(JsonFactory.builder()
                        .streamReadConstraints(StreamReadConstraints.builder()
                                .maxDocumentLength(maxBody)
                                .maxNestingDepth(limits.maxJsonDepth())
                                .maxNumberLength(limits.maxJsonNumberLength())
                                .maxStringLength(maxString)
                                .maxNameLength(256)
                                .build())
                        .build())
                .build();
    }

    /**
     * Reads at most {@code maxBody} bytes of JSON and hands the tree to {@code parse} while its
     * memory is reserved (the body's in the body budget, the tree's in the decode budget).
     *
     * @throws TensorBodies.BodyTooLargeException if the body is larger
     * @throws BadPredictException if it is not JSON or breaks a constraint
     * @throws dev.orchard.model.DecodeBusyException if the decode budget stays busy
     * @throws OverloadedException if the body budget stays busy
     */
    <T> T parse(HttpServletRequest request, Function<JsonNode, T> parse) {
        try (BodyBudget.Reservation held = bodies.open()) {
            return parse(TensorBodies.read(request, maxBody, size -> tooLarge(), held), parse);
        }
    }

    private <T> T parse(byte[] bytes, Function<JsonNode, T> parse) {
        try (DecodeBudget.Reservation tree = budget.reserve(
                (long) bytes.length * TREE_BYTES_PER_BODY_BYTE, "a " + bytes.length + "-byte JSON body")) {
            return parse.apply(json.readTree(bytes));
        } catch (JacksonException e) {
            throw new BadPredictException("request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private TensorBodies.BodyTooLargeException tooLarge() {
        return new TensorBodies.BodyTooLargeException(
                "request body is larger than " + maxBody + " bytes (orchard.serving.requests.max-body)");
    }
}

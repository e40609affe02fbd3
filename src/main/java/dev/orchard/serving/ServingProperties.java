package dev.orchard.serving;

import dev.orchard.model.ModelInput;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.serving.*}.
 *
 * @param topK how many ranked labels a classification returns
 * @param batching dynamic batching of concurrent requests (TF Serving style)
 * @param requests what one prediction request may ask for
 */
@Validated
@ConfigurationProperties("orchard.serving")
public record ServingProperties(
        @DefaultValue("3") @Min(1) @Max(100) int topK,
        @DefaultValue Batching batching,
        @DefaultValue Requests requests) {

    /**
     * @param mode every prediction route ({@code :classify}, {@code :predict}, V2 {@code infer}):
     *     {@code off} — each request's images in its own inference call, on the request's thread;
     *     {@code always} — through the batcher (waits up to {@code max-wait} for company);
     *     {@code adaptive} — on the request's thread while no image waits and fewer than {@code
     *     threads} such calls run, through the batcher once requests queue up
     * @param maxBatchSize most images in one inference call
     * @param maxWait how long the first image of a batch may wait for company
     * @param queueCapacity images waiting for inference; beyond it requests get 503 with Retry-After
     * @param threads inference threads
     */
    public record Batching(
            @DefaultValue("adaptive") @NotNull MicroBatcher.Mode mode,
            @DefaultValue("32") @Min(1) @Max(1024) int maxBatchSize,
            @DefaultValue("2ms") @NotNull Duration maxWait,
            @DefaultValue("256") @Min(1) int queueCapacity,
            @DefaultValue("2") @Min(1) int threads) {}

    /**
     * Bounds of one prediction request on every route ({@code :classify}, {@code :predict}, V2
     * {@code infer}), checked before any image is decoded.
     *
     * @param maxBody largest request body: a {@code :classify} multipart body with all its parts, a
     *     {@code :predict} or {@code infer} JSON body (an image sent as the whole body is bounded by
     *     {@code orchard.images.max-bytes})
     * @param bodyBudget bytes the bodies of all prediction requests being answered may hold in memory
     *     at once (a multipart body counts twice while its parts are copied out); empty = a quarter of
     *     the maximum heap
     * @param bodyWait how long a request waits for body budget before it is refused as busy (HTTP 503
     *     + Retry-After)
     * @param maxInstances most images or tensors in one request
     * @param maxDecodedBytes most bytes the request's model inputs may take once decoded (instances
     *     × height × width × channels × 4)
     * @param maxJsonDepth deepest nesting of a JSON body (a {@code [N][H][W][C]} tensor in an
     *     object needs 6)
     * @param maxJsonNumberLength most characters of one number in a JSON body
     */
    public record Requests(
            @DefaultValue("25MB") @NotNull DataSize maxBody,
            DataSize bodyBudget,
            @DefaultValue("2s") @NotNull Duration bodyWait,
            @DefaultValue("64") @Min(1) @Max(4096) int maxInstances,
            @DefaultValue("32MB") @NotNull DataSize maxDecodedBytes,
            @DefaultValue("16") @Min(8) @Max(1000) int maxJsonDepth,
            @DefaultValue("64") @Min(16) @Max(1000) int maxJsonNumberLength) {

        /** The body budget in bytes: {@code bodyBudget}, or a quarter of this JVM's maximum heap. */
        long bodyBudgetBytes() {
            return bodyBudget != null
                    ? bodyBudget.toBytes()
                    : Runtime.getRuntime().maxMemory() / 4;
        }

        /**
         * @throws BadPredictException if {@code instances} are more than {@code maxInstances}
         * @throws TensorBodies.BodyTooLargeException if their decoded inputs would take more than
         *     {@code maxDecodedBytes}
         */
        void check(long instances, ModelInput input) {
            if (instances > maxInstances) {
                throw new BadPredictException("the request has " + instances + " instances; the limit is "
                        + maxInstances + " (orchard.serving.requests.max-instances)");
            }
            long bytes = instances * input.size() * Float.BYTES;
            if (bytes > maxDecodedBytes.toBytes()) {
                throw new TensorBodies.BodyTooLargeException(instances + " instances of " + input.size()
                        + " values take " + bytes + " bytes decoded; the limit is " + maxDecodedBytes.toBytes()
                        + " (orchard.serving.requests.max-decoded-bytes)");
            }
        }
    }
}

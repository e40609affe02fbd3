package dev.orchard.serving;

import dev.orchard.model.Prediction;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What the tensor protocols (TF Serving {@code :predict}, KServe V2 {@code infer}) share. */
final class TensorBodies {

    private TensorBodies() {}

    /**
     * Reads a JSON body of at most {@code maxBody} bytes.
     *
     * @throws BodyTooLargeException if it is larger
     * @throws BadPredictException if it is not JSON
     */
    static JsonNode read(HttpServletRequest request, long maxBody, JsonMapper json) {
        try {
            byte[] bytes = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
            if (bytes.length > maxBody) {
                throw new BodyTooLargeException("request body is larger than " + maxBody + " bytes");
            }
            return json.readTree(bytes);
        } catch (JacksonException e) {
            throw new BadPredictException("request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadPredictException("cannot read the request body: " + e.getMessage());
        }
    }

    /** The model's probability for every label, in label order. */
    static double[] probabilities(List<String> labels, Prediction prediction) {
        double[] vector = new double[labels.size()];
        for (Prediction.LabelScore score : prediction.top()) {
            vector[labels.indexOf(score.label())] = score.score();
        }
        return vector;
    }

    /**
     * Waits for an inference answer.
     *
     * @throws OverloadedException if it does not come within 30 s
     */
    static Prediction await(CompletableFuture<Prediction> future) throws InterruptedException {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("inference failed", e.getCause());
        } catch (TimeoutException e) {
            throw new OverloadedException("inference did not answer within 30 s");
        }
    }

    /** The body is larger than the configured request size limit (413). */
    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException(String message) {
            super(message);
        }
    }
}

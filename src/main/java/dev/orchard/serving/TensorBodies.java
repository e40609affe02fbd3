package dev.orchard.serving;

import dev.orchard.model.DecodeBusyException;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;

/**
 * What the tensor protocols (TF Serving {@code :predict}, KServe V2 {@code infer}) share, and with
 * {@code :classify} the bounded read of a body and the wait for an answer.
 */
final class TensorBodies {

    private TensorBodies() {}

    /** The request size limit of the tensor routes: the multipart request limit, 25 MB if unset. */
    static long maxBody(Environment environment) {
        return environment
                .getProperty("spring.servlet.multipart.max-request-size", DataSize.class, DataSize.ofMegabytes(25))
                .toBytes();
    }

    /**
     * The request's body, at most {@code max} bytes: refused from {@code Content-Length} when it says
     * more, and while reading when it has none (chunked).
     *
     * @param tooLarge the exception for a larger body, given its size as said ({@code "N bytes"}) or
     *     found ({@code "more than N bytes"})
     * @throws BadPredictException if the body cannot be read (the client went away, a broken chunked
     *     encoding)
     */
    static byte[] read(HttpServletRequest request, long max, Function<String, RuntimeException> tooLarge) {
        if (request.getContentLengthLong() > max) {
            throw tooLarge.apply(request.getContentLengthLong() + " bytes");
        }
        byte[] bytes;
        try {
            bytes = request.getInputStream().readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
        } catch (IOException e) {
            throw new BadPredictException("cannot read the request body: " + e.getMessage());
        }
        if (bytes.length > max) {
            throw tooLarge.apply("more than " + max + " bytes");
        }
        return bytes;
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

    /**
     * The tensor protocols' error answer for a failed request, {@code {"error": "..."}}: 400 for a
     * request that does not fit (a wrong type or value anywhere in the body, an image that is not
     * a usable JPEG, PNG or WebP), 413 too large (the body, or an image's bytes, pixels or decode
     * memory), 404 unknown model or version, 503 with {@code Retry-After} when overloaded, the decode
     * budget is busy or the model cannot be loaded, 500 (logged) for anything else.
     */
    static ResponseEntity<Map<String, Object>> failure(RuntimeException e, String route, Logger log) {
        if (e instanceof BadPredictException
                || e instanceof IllegalArgumentException
                || e instanceof JacksonException) {
            return error(HttpStatus.BAD_REQUEST, e.getMessage());
        }
        if (e instanceof ImageRejectedException rejected) {
            boolean tooLarge = rejected.reason() == ImageRejectedException.Reason.TOO_LARGE
                    || rejected.reason() == ImageRejectedException.Reason.TOO_MANY_PIXELS;
            return error(tooLarge ? HttpStatus.PAYLOAD_TOO_LARGE : HttpStatus.BAD_REQUEST, e.getMessage());
        }
        if (e instanceof BodyTooLargeException) {
            return error(HttpStatus.PAYLOAD_TOO_LARGE, e.getMessage());
        }
        if (e instanceof ModelNotFoundException) {
            return error(HttpStatus.NOT_FOUND, e.getMessage());
        }
        if (e instanceof OverloadedException
                || e instanceof ModelUnavailableException
                || e instanceof DecodeBusyException) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, "1")
                    .body(Map.of("error", String.valueOf(e.getMessage())));
        }
        log.error("{} failed", route, e);
        return error(HttpStatus.INTERNAL_SERVER_ERROR, "inference failed; the worker logged the cause");
    }

    static ResponseEntity<Map<String, Object>> error(HttpStatus status, String message) {
        return ResponseEntity.status(status)
                .body(Map.of("error", message == null ? status.getReasonPhrase() : message));
    }

    /** The body is larger than the configured request size limit (413). */
    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException(String message) {
            super(message);
        }
    }
}

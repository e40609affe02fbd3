package dev.orchard.serving;

import dev.orchard.model.DecodeBusyException;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.model.Prediction;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelUnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import tools.jackson.core.JacksonException;

/**
 * What the tensor protocols (TF Serving {@code :predict}, KServe V2 {@code infer}) share, and with
 * {@code :classify} the bounded read of a body and the wait for an answer.
 */
final class TensorBodies {

    private TensorBodies() {}

    /** Most bytes a body's array starts with before bytes arrive to fill it. */
    static final int FIRST_ALLOCATION = 256 * 1024;

    /**
     * The request's body, at most {@code max} bytes: refused from {@code Content-Length} when it says
     * more, and while reading when it has none (chunked). A body with a {@code Content-Length} up to
     * 256 KB is read straight into an array of that size (one copy from the connection's buffer);
     * larger and chunked bodies into an array that doubles as bytes arrive, so a client that announces
     * a large body and sends little makes the worker hold no more than about what it sent. Every
     * array is reserved in {@code held} before it is allocated, and an outgrown one given back.
     *
     * @param tooLarge the exception for a larger body, given its size as said ({@code "N bytes"}) or
     *     found ({@code "more than N bytes"})
     * @throws BadPredictException if the body cannot be read (the client went away, a broken chunked
     *     encoding, fewer bytes than its {@code Content-Length})
     * @throws OverloadedException if the body budget has no room for it within its wait
     */
    static byte[] read(
            HttpServletRequest request,
            long max,
            Function<String, RuntimeException> tooLarge,
            BodyBudget.Reservation held) {
        long cap = Math.min(max, Integer.MAX_VALUE - 9); // one Java array holds the body
        long announced = request.getContentLengthLong();
        if (announced > cap) {
            throw tooLarge.apply(announced + " bytes");
        }
        long limit = announced >= 0 ? announced : cap + 1;
        byte[] bytes;
        int filled;
        try {
            InputStream in = request.getInputStream();
            int first = (int) Math.min(limit, FIRST_ALLOCATION);
            held.grow(first);
            bytes = new byte[first];
            filled = 0;
            while (true) {
                if (filled == bytes.length) {
                    if (filled == limit) {
                        break;
                    }
                    int next = (int) Math.min(limit, 2L * bytes.length);
                    held.grow(next);
                    bytes = Arrays.copyOf(bytes, next);
                    held.shrink(filled);
                }
                int read = in.read(bytes, filled, bytes.length - filled);
                if (read < 0) {
                    break;
                }
                filled += read;
            }
        } catch (IOException e) {
            throw new BadPredictException("cannot read the request body: " + e.getMessage());
        }
        if (announced >= 0) {
            if (filled < announced) {
                throw new BadPredictException("the request body ended after " + filled + " of the " + announced
                        + " bytes its Content-Length announced");
            }
            return bytes;
        }
        if (filled > cap) {
            throw tooLarge.apply("more than " + cap + " bytes");
        }
        if (filled == bytes.length) {
            return bytes;
        }
        held.grow(filled);
        byte[] exact = Arrays.copyOf(bytes, filled);
        held.shrink(bytes.length);
        return exact;
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

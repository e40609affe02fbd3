package dev.orchard.serving;

import dev.orchard.model.DecodeBusyException;
import dev.orchard.model.ImageRejectedException;
import dev.orchard.registry.ModelNotFoundException;
import dev.orchard.registry.ModelUnavailableException;
import dev.orchard.storage.PreconditionFailedException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every error on Orchard's routes is {@code application/problem+json} with a {@code detail} a
 * person can act on, and never a stack trace. Unexpected failures are logged with their stack
 * trace and answered with a generic 500.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ModelNotFoundException.class)
    ProblemDetail notFound(ModelNotFoundException e) {
        return problem(HttpStatus.NOT_FOUND, "model-not-found", "Model not found", e.getMessage());
    }

    @ExceptionHandler(ModelUnavailableException.class)
    ResponseEntity<ProblemDetail> unavailable(ModelUnavailableException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "10")
                .body(problem(
                        HttpStatus.SERVICE_UNAVAILABLE, "model-unavailable", "Model unavailable", e.getMessage()));
    }

    @ExceptionHandler({OverloadedException.class, DecodeBusyException.class})
    ResponseEntity<ProblemDetail> overloaded(RuntimeException e) {
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem(HttpStatus.SERVICE_UNAVAILABLE, "overloaded", "Overloaded", e.getMessage()));
    }

    @ExceptionHandler(ImageRejectedException.class)
    ProblemDetail rejected(ImageRejectedException e) {
        HttpStatus status =
                switch (e.reason()) {
                    case TOO_LARGE, TOO_MANY_PIXELS -> HttpStatus.PAYLOAD_TOO_LARGE;
                    case NOT_AN_IMAGE, UNSUPPORTED -> HttpStatus.UNSUPPORTED_MEDIA_TYPE;
                    case CORRUPT -> HttpStatus.UNPROCESSABLE_CONTENT;
                };
        ProblemDetail problem = problem(
                status,
                "image-" + e.reason().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                "Image rejected",
                e.getMessage());
        problem.setProperty("reason", e.reason().name());
        return problem;
    }

    @ExceptionHandler(PreconditionFailedException.class)
    ProblemDetail conflict(PreconditionFailedException e) {
        return problem(
                HttpStatus.CONFLICT,
                "conflict",
                "Concurrent change",
                "another writer changed it first (" + e.getMessage() + "); read the new state and retry");
    }

    @ExceptionHandler(BadPredictException.class)
    ProblemDetail badPredict(BadPredictException e) {
        return problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", e.getMessage());
    }

    @ExceptionHandler(TensorBodies.BodyTooLargeException.class)
    ProblemDetail tooLarge(TensorBodies.BodyTooLargeException e) {
        return problem(HttpStatus.PAYLOAD_TOO_LARGE, "request-too-large", "Request too large", e.getMessage());
    }

    @ExceptionHandler(IllegalArgumentException.class)
    ProblemDetail badRequest(IllegalArgumentException e) {
        return problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ProblemDetail unexpected(Exception e) {
        log.error("unexpected error answering a request", e);
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal",
                "Internal error",
                "the request failed unexpectedly; the worker logged the cause");
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(
            org.springframework.http.converter.HttpMessageNotReadableException ex,
            HttpHeaders headers,
            org.springframework.http.HttpStatusCode status,
            org.springframework.web.context.request.WebRequest request) {
        String why = ex.getMostSpecificCause() instanceof tools.jackson.core.JacksonException jackson
                ? ": " + jackson.getOriginalMessage()
                : "";
        return ResponseEntity.badRequest()
                .body(problem(
                        HttpStatus.BAD_REQUEST,
                        "bad-body",
                        "Unreadable body",
                        "the request body is missing or is not the expected JSON" + why));
    }

    @Override
    protected ResponseEntity<Object> handleMissingServletRequestPart(
            MissingServletRequestPartException ex,
            HttpHeaders headers,
            org.springframework.http.HttpStatusCode status,
            org.springframework.web.context.request.WebRequest request) {
        return ResponseEntity.badRequest()
                .body(problem(
                        HttpStatus.BAD_REQUEST,
                        "missing-image",
                        "Missing image",
                        "send the image as a multipart/form-data part named '" + ex.getRequestPartName() + "'"));
    }

    static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("https://orchard.dev/problems/" + type));
        problem.setTitle(title);
        return problem;
    }
}

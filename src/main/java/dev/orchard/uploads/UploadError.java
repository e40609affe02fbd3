package dev.orchard.uploads;

import java.time.Instant;

/**
 * The JSON written to {@code <output><object>.error.json} for an upload that could not be scored.
 *
 * @param reason machine-readable: {@code TOO_LARGE}, {@code TOO_MANY_PIXELS}, {@code NOT_AN_IMAGE},
 *     {@code UNSUPPORTED}, {@code CORRUPT} or {@code NOT_FOUND}
 * @param error a sentence for people
 */
public record UploadError(
        String bucket,
        String object,
        long generation,
        String reason,
        String error,
        String model,
        Instant failedAt,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        String trace) {}

package dev.orchard.uploads;

import dev.orchard.model.Prediction;
import java.time.Instant;
import java.util.List;

/** The JSON written to {@code <output><object>.json} for a scored upload. */
public record UploadPrediction(
        String bucket,
        String object,
        long generation,
        String label,
        double confidence,
        List<Prediction.LabelScore> top,
        String model,
        int version,
        Instant scoredAt,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
        String trace) {}

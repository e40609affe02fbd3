package dev.orchard.drift;

import dev.orchard.model.PredictionProfile;
import java.time.Instant;

/** The predictions a worker counted between {@code start} and {@code end}: one step of a sliding window. */
record Slice(Instant start, Instant end, PredictionProfile profile) {}

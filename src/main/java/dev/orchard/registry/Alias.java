package dev.orchard.registry;

import java.time.Instant;

/**
 * The content of {@code models/<name>/aliases/<alias>.json}, plus the generation it was read at
 * (the value a compare-and-swap must match).
 */
public record Alias(int version, Integer previous, String by, String reason, Instant at, long generation) {

    /** The JSON body, without the generation (that lives in the object's metadata). */
    record Body(int version, Integer previous, String by, String reason, Instant at) {}
}

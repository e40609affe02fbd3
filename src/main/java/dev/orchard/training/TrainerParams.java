package dev.orchard.training;

import java.util.Map;
import java.util.Set;

/** Typed reads of a trainer's {@code params} map, with errors that name the parameter. */
final class TrainerParams {

    private final String trainer;
    private final Map<String, Object> params;

    TrainerParams(String trainer, Map<String, Object> params, Set<String> known) {
        this.trainer = trainer;
        this.params = params == null ? Map.of() : params;
        for (String key : this.params.keySet()) {
            if (!known.contains(key)) {
                throw new IllegalArgumentException(trainer + ": unknown parameter '" + key + "'; known: " + known);
            }
        }
    }

    int integer(String key, int fallback, int min, int max) {
        Object value = params.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number) || number.doubleValue() != number.intValue()) {
            throw new IllegalArgumentException(trainer + ": parameter '" + key + "' must be an integer, got " + value);
        }
        if (number.intValue() < min || number.intValue() > max) {
            throw new IllegalArgumentException(trainer + ": parameter '" + key + "' must be in " + min + ".." + max);
        }
        return number.intValue();
    }

    double decimal(String key, double fallback, double min, double max) {
        Object value = params.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number) || Double.isNaN(number.doubleValue())) {
            throw new IllegalArgumentException(trainer + ": parameter '" + key + "' must be a number, got " + value);
        }
        if (number.doubleValue() < min || number.doubleValue() > max) {
            throw new IllegalArgumentException(trainer + ": parameter '" + key + "' must be in " + min + ".." + max);
        }
        return number.doubleValue();
    }

    long longValue(String key, long fallback) {
        Object value = params.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException(trainer + ": parameter '" + key + "' must be a number, got " + value);
        }
        return number.longValue();
    }
}

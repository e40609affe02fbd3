package dev.orchard.registry;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent "no" answers about models ("no such version", "cannot be loaded"), so that requests for
 * names and versions that do not exist, or keep failing, neither cost a storage read or a load on
 * every call nor grow memory: each answer is kept for {@code ttl}, and at most {@code maxEntries}
 * are kept (the oldest go first). Thread-safe.
 */
final class NegativeCache {

    private record Answer(boolean notFound, String message, Instant until) {}

    private final Clock clock;
    private final int maxEntries;
    private final Map<String, Answer> answers = new LinkedHashMap<>();

    NegativeCache(Clock clock, int maxEntries) {
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    /** Throws the remembered answer for {@code key}, if one is still fresh. */
    synchronized void rethrow(String key) {
        Answer answer = answers.get(key);
        if (answer == null) {
            return;
        }
        if (!clock.instant().isBefore(answer.until())) {
            answers.remove(key);
            return;
        }
        throw answer.notFound()
                ? new ModelNotFoundException(answer.message())
                : new ModelUnavailableException(answer.message());
    }

    /** Remembers {@code failure} (a not-found or an unavailable answer) for {@code ttl}. */
    synchronized void remember(String key, RuntimeException failure, Duration ttl) {
        if (ttl.isZero() || ttl.isNegative()) {
            return;
        }
        answers.remove(key);
        answers.put(
                key,
                new Answer(
                        failure instanceof ModelNotFoundException,
                        String.valueOf(failure.getMessage()),
                        clock.instant().plus(ttl)));
        Iterator<String> oldest = answers.keySet().iterator();
        while (answers.size() > maxEntries && oldest.hasNext()) {
            oldest.next();
            oldest.remove();
        }
    }

    synchronized void forget(String key) {
        answers.remove(key);
    }

    synchronized int size() {
        return answers.size();
    }
}

package dev.orchard.system;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trace ids (32 lower-case hex digits, W3C / Cloud Trace format) carried in the logging MDC under
 * {@value #MDC_KEY}. Taken from the caller when it sent one — W3C {@code traceparent} or Google's
 * {@code X-Cloud-Trace-Context} (HTTP headers or Pub/Sub attributes, Pub/Sub's own {@code
 * googclient_traceparent} too) — or made up, so every request, message and job it starts log under
 * one id.
 */
public final class TraceIds {

    public static final String MDC_KEY = "trace";
    /** The MDC key of the current span's W3C {@code traceparent}, while a span of {@link Spans} is in scope. */
    public static final String CONTEXT_KEY = "traceparent";

    private static final Pattern TRACEPARENT = Pattern.compile("^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$");
    private static final Pattern CLOUD_TRACE = Pattern.compile("^([0-9a-fA-F]{32})(/.*)?$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private TraceIds() {}

    /** The trace id a caller sent in {@code traceparent} or {@code X-Cloud-Trace-Context}, if valid. */
    public static Optional<String> fromHeaders(String traceparent, String cloudTraceContext) {
        if (traceparent != null) {
            Matcher m = TRACEPARENT.matcher(traceparent.trim());
            if (m.matches() && !m.group(1).equals("0".repeat(32))) {
                return Optional.of(m.group(1));
            }
        }
        if (cloudTraceContext != null) {
            Matcher m = CLOUD_TRACE.matcher(cloudTraceContext.trim());
            if (m.matches()) {
                return Optional.of(m.group(1).toLowerCase(java.util.Locale.ROOT));
            }
        }
        return Optional.empty();
    }

    /** The trace id of a Pub/Sub message's attributes, if it carries one. */
    public static Optional<String> fromAttributes(Map<String, String> attributes) {
        String traceparent = attributes.getOrDefault("traceparent", attributes.get("googclient_traceparent"));
        return fromHeaders(traceparent, attributes.get("X-Cloud-Trace-Context"));
    }

    /** The trace id of a trace context (a W3C {@code traceparent} or a bare trace id), or {@code null}. */
    public static String idOf(String context) {
        if (context == null) {
            return null;
        }
        Matcher m = TRACEPARENT.matcher(context.trim());
        if (m.matches()) {
            return m.group(1);
        }
        return valid(context) ? context : null;
    }

    /**
     * A trace context as a W3C {@code traceparent}: itself if it is one; for a bare trace id, a
     * parent in that trace standing for its root that ran elsewhere (its span id derived from the
     * trace id, so every such span of one trace hangs under the same parent); else {@code null}.
     */
    public static String traceparentOf(String context) {
        if (context == null) {
            return null;
        }
        String trimmed = context.trim();
        Matcher m = TRACEPARENT.matcher(trimmed);
        if (m.matches()) {
            return m.group(1).equals("0".repeat(32)) ? null : trimmed;
        }
        if (!valid(trimmed)) {
            return null;
        }
        String root = trimmed.substring(0, 16);
        return "00-" + trimmed + "-" + (root.equals("0".repeat(16)) ? "0000000000000001" : root) + "-01";
    }

    /** A new random trace id. */
    public static String newId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /**
     * The trace context to carry from this thread to where the work it starts runs: the current
     * span's {@code traceparent} when spans are on, else the MDC trace id, else {@code null}.
     */
    public static String currentContext() {
        String traceparent = org.slf4j.MDC.get(CONTEXT_KEY);
        return traceparent != null ? traceparent : current();
    }

    /** The trace id in this thread's logging MDC, or {@code null}. */
    public static String current() {
        return org.slf4j.MDC.get(MDC_KEY);
    }

    /**
     * Puts {@code trace} into this thread's MDC until the scope is closed, then restores what was
     * there; a {@code null} trace changes nothing.
     */
    public static Scope scope(String trace) {
        String before = org.slf4j.MDC.get(MDC_KEY);
        if (valid(trace)) {
            org.slf4j.MDC.put(MDC_KEY, trace);
        }
        return () -> restore(MDC_KEY, before);
    }

    /**
     * {@link #scope(String)}, and {@code traceparent} (the span in scope, {@code null}: none) under
     * {@value #CONTEXT_KEY} until closed, then both as they were.
     */
    public static Scope scope(String trace, String traceparent) {
        Scope id = scope(trace);
        String before = org.slf4j.MDC.get(CONTEXT_KEY);
        if (traceparent != null) {
            org.slf4j.MDC.put(CONTEXT_KEY, traceparent);
        }
        return () -> {
            restore(CONTEXT_KEY, before);
            id.close();
        };
    }

    /** A trace scope; closing it cannot fail. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** Whether {@code id} is a well-formed trace id. */
    public static boolean valid(String id) {
        return id != null && id.matches("[0-9a-f]{32}");
    }

    /** Puts {@code key} back as it was ({@code before}, {@code null}: absent). */
    private static void restore(String key, String before) {
        if (before == null) {
            org.slf4j.MDC.remove(key);
        } else {
            org.slf4j.MDC.put(key, before);
        }
    }
}

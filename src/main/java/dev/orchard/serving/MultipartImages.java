package dev.orchard.serving;

import dev.orchard.model.ImageRejectedException;
import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The parts of one name in a {@code multipart/form-data} body (RFC 7578). The body is read into
 * memory within the {@link BodyBudget} (its boundary checked first), then parsed in one pass over
 * the bytes: the end of each part's content is found with a Boyer-Moore-Horspool search for its
 * delimiter, which jumps over a photo's bytes by about the delimiter's length at a time, and each
 * wanted part is copied out once. Parts of other names are skipped.
 *
 * <p>Failure contract: a body that is not well-formed multipart (no boundary, a boundary line
 * without a line break, headers that do not end, a part that does not end) is a {@link
 * BadPredictException} saying what is wrong; more wanted parts than allowed, or more than twice as
 * many parts of all names, are a {@link BadPredictException} before any further part is copied; a
 * wanted part larger than allowed is an {@link ImageRejectedException} ({@code TOO_LARGE}) before
 * it is copied.
 */
final class MultipartImages {

    /** Longest boundary accepted (RFC 2046 allows 70 characters; some clients use a few more). */
    static final int MAX_BOUNDARY = 200;

    /** Most bytes of one part's header section. */
    static final int MAX_PART_HEADERS = 8 * 1024;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DASH = '-';

    /** What {@code String.split("\r\n")} would compile again for every part. */
    private static final Pattern HEADER_LINES = Pattern.compile("\r\n", Pattern.LITERAL);

    private MultipartImages() {}

    /**
     * The parts named {@code name} of the request's multipart body, read within {@code
     * orchard.serving.requests.max-body} and each within {@code maxPartBytes}; {@code held} holds at
     * least the parts' bytes once they are returned.
     *
     * @throws TensorBodies.BodyTooLargeException if the body is larger than {@code max-body}
     * @throws OverloadedException if the body budget has no room for it within its wait
     */
    static List<byte[]> read(
            HttpServletRequest request,
            String name,
            ServingProperties.Requests limits,
            long maxPartBytes,
            BodyBudget.Reservation held) {
        String boundary = boundary(request.getContentType());
        long max = limits.maxBody().toBytes();
        byte[] body = TensorBodies.read(
                request,
                max,
                size -> new TensorBodies.BodyTooLargeException("the request is " + size + "; the limit is " + max
                        + " bytes (orchard.serving.requests.max-body)"),
                held);
        held.grow(body.length); // the parts' copies: at most the body's bytes
        List<byte[]> parts = split(body, boundary, name, limits.maxInstances(), maxPartBytes);
        held.shrink(body.length); // the body itself is no longer referenced
        return parts;
    }

    /**
     * The contents of the parts named {@code name}, in body order.
     *
     * @param contentType the request's {@code Content-Type}, with its {@code boundary} parameter
     * @param maxParts most parts of that name (the request's {@code max-instances}); the body may have
     *     twice as many parts of all names
     * @param maxPartBytes largest such part ({@code orchard.images.max-bytes})
     * @return the parts' bytes; empty if the body has no part of that name
     */
    static List<byte[]> parts(byte[] body, String contentType, String name, int maxParts, long maxPartBytes) {
        return split(body, boundary(contentType), name, maxParts, maxPartBytes);
    }

    private static List<byte[]> split(byte[] body, String boundary, String name, int maxParts, long maxPartBytes) {
        byte[] delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int[] shift = shifts(delimiter);
        int pos = firstBoundaryEnd(body, delimiter, shift);
        List<byte[]> parts = new ArrayList<>();
        long maxAllParts = 2L * maxParts;
        for (long seen = 0; ; seen++) {
            if (pos + 1 < body.length && body[pos] == DASH && body[pos + 1] == DASH) {
                return parts; // the close delimiter; what follows is the epilogue
            }
            if (seen == maxAllParts) {
                throw new BadPredictException("the multipart body has more than " + maxAllParts
                        + " parts; the limit is twice orchard.serving.requests.max-instances");
            }
            while (pos < body.length && (body[pos] == ' ' || body[pos] == '\t')) {
                pos++; // transport padding
            }
            if (pos + 1 >= body.length || body[pos] != CR || body[pos + 1] != LF) {
                throw new BadPredictException(
                        pos >= body.length
                                ? "the multipart body ends after a boundary line without the closing '--'"
                                : "a multipart boundary line is not followed by a line break");
            }
            int headers = pos + 2;
            int headersEnd = headersEnd(body, headers);
            int content = headersEnd + (headersEnd == headers ? 2 : 4);
            int contentEnd = find(body, content, delimiter, shift);
            if (contentEnd < 0) {
                throw new BadPredictException("the multipart body ends inside a part: its closing boundary is missing");
            }
            if (name.equals(partName(body, headers, headersEnd))) {
                if (parts.size() == maxParts) {
                    throw new BadPredictException("the request has more than " + maxParts + " '" + name
                            + "' parts; the limit is " + maxParts + " (orchard.serving.requests.max-instances)");
                }
                int size = contentEnd - content;
                if (size > maxPartBytes) {
                    throw new ImageRejectedException(
                            ImageRejectedException.Reason.TOO_LARGE,
                            "the '" + name + "' part is " + size + " bytes; the limit is " + maxPartBytes
                                    + " bytes (orchard.images.max-bytes)");
                }
                parts.add(Arrays.copyOfRange(body, content, contentEnd));
            }
            pos = contentEnd + delimiter.length;
        }
    }

    /** The {@code boundary} parameter of a {@code multipart/form-data} media type, unquoted. */
    static String boundary(String contentType) {
        String type = contentType == null ? "" : contentType;
        String boundary = parameter(type, type.indexOf(';'), "boundary");
        if (boundary == null || boundary.isEmpty()) {
            throw new BadPredictException("the multipart/form-data Content-Type has no boundary parameter");
        }
        if (boundary.length() > MAX_BOUNDARY) {
            throw new BadPredictException(
                    "the multipart boundary is " + boundary.length() + " characters; the limit is " + MAX_BOUNDARY);
        }
        for (int i = 0; i < boundary.length(); i++) {
            char c = boundary.charAt(i);
            if (c < ' ' || c > '~') {
                throw new BadPredictException("the multipart boundary has a character outside printable ASCII");
            }
        }
        return boundary;
    }

    /** Where the first part's boundary line ends: at the body's start, or after a preamble. */
    private static int firstBoundaryEnd(byte[] body, byte[] delimiter, int[] shift) {
        if (Arrays.equals(body, 0, Math.min(body.length, delimiter.length - 2), delimiter, 2, delimiter.length)) {
            return delimiter.length - 2;
        }
        int at = find(body, 0, delimiter, shift);
        if (at < 0) {
            throw new BadPredictException(
                    "the multipart body has no boundary line: the image must be a part of the body the"
                            + " Content-Type's boundary delimits");
        }
        return at + delimiter.length;
    }

    /**
     * Where a part's header section ends: {@code from} when it is empty (the part starts with a blank
     * line), else the start of the {@code CRLF CRLF} that ends it.
     */
    private static int headersEnd(byte[] body, int from) {
        if (from + 1 < body.length && body[from] == CR && body[from + 1] == LF) {
            return from;
        }
        int limit = Math.min(body.length, from + MAX_PART_HEADERS + 4);
        for (int i = from; i + 3 < limit; i++) {
            if (body[i] == CR && body[i + 1] == LF && body[i + 2] == CR && body[i + 3] == LF) {
                return i;
            }
        }
        throw new BadPredictException(
                limit < body.length
                        ? "a multipart part's headers are longer than " + MAX_PART_HEADERS + " bytes"
                        : "the multipart body ends inside a part's headers");
    }

    /** The {@code name} of a part's {@code Content-Disposition: form-data}, or null. */
    private static String partName(byte[] body, int from, int to) {
        String headers = new String(body, from, to - from, StandardCharsets.UTF_8);
        for (String line : HEADER_LINES.split(headers)) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-disposition")) {
                String value = line.substring(colon + 1);
                return parameter(value, value.indexOf(';'), "name");
            }
        }
        return null;
    }

    /**
     * The value of parameter {@code wanted} in {@code ; a=b; c="d"} style parameters starting at
     * {@code from} (a {@code ;}, or -1 for none), quoted strings unescaped; null if absent.
     */
    static String parameter(String header, int from, String wanted) {
        int i = from;
        while (i >= 0 && i < header.length()) {
            i++; // past ';'
            int eq = i;
            while (eq < header.length() && header.charAt(eq) != '=' && header.charAt(eq) != ';') {
                eq++;
            }
            String key = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            if (eq >= header.length() || header.charAt(eq) == ';') {
                i = eq;
                continue;
            }
            int v = eq + 1;
            while (v < header.length() && header.charAt(v) == ' ') {
                v++;
            }
            String value;
            if (v < header.length() && header.charAt(v) == '"') {
                StringBuilder quoted = new StringBuilder();
                v++;
                while (v < header.length() && header.charAt(v) != '"') {
                    if (header.charAt(v) == '\\' && v + 1 < header.length()) {
                        v++;
                    }
                    quoted.append(header.charAt(v++));
                }
                value = quoted.toString();
                v = header.indexOf(';', v);
            } else {
                int end = header.indexOf(';', v);
                value = header.substring(v, end < 0 ? header.length() : end).strip();
                v = end;
            }
            if (key.equals(wanted)) {
                return value;
            }
            i = v;
        }
        return null;
    }

    /** Horspool's shift for each byte value: how far a window may move when it ends in that byte. */
    private static int[] shifts(byte[] needle) {
        int[] shift = new int[256];
        Arrays.fill(shift, needle.length);
        for (int k = 0; k < needle.length - 1; k++) {
            shift[needle[k] & 0xff] = needle.length - 1 - k;
        }
        return shift;
    }

    /** The first index at or after {@code from} where {@code needle} starts, or -1. */
    private static int find(byte[] haystack, int from, byte[] needle, int[] shift) {
        int last = needle.length - 1;
        byte end = needle[last];
        for (int i = from; i + last < haystack.length; i += shift[haystack[i + last] & 0xff]) {
            if (haystack[i + last] == end && Arrays.equals(haystack, i, i + last, needle, 0, last)) {
                return i;
            }
        }
        return -1;
    }
}

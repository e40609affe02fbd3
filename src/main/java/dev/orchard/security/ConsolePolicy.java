package dev.orchard.security;

import org.springframework.security.web.header.HeaderWriter;
import org.springframework.security.web.header.writers.DelegatingRequestMatcherHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * The console's Content-Security-Policy: everything from this worker only — no inline script or
 * style, no other origin, no framing, no plugins; images also from {@code blob:} (the photo being
 * tried) and {@code data:}. Sent with the console's page and assets.
 */
final class ConsolePolicy {

    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:;"
            + " connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static final RequestMatcher CONSOLE = request -> {
        String path = Routes.path(request);
        return path.equals("/") || path.startsWith("/console/");
    };

    private ConsolePolicy() {}

    static HeaderWriter headerWriter() {
        return new DelegatingRequestMatcherHeaderWriter(
                CONSOLE, new StaticHeadersWriter("Content-Security-Policy", POLICY));
    }
}

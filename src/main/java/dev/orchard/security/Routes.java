package dev.orchard.security;

import jakarta.servlet.http.HttpServletRequest;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Pattern;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.util.UriUtils;

/**
 * Which routes are predict routes and which are admin routes. Closed by default: every request
 * that changes something (any method but GET, HEAD, OPTIONS) is an admin route unless it is one
 * of the predict routes, so a new route can never be open by accident.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
        value = "REDOS",
        justification =
                "[^/]+ cannot match the '/' that starts the optional group, so each pattern matches a path in one pass; paths are bounded by the server's header size")
final class Routes {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    private static final Pattern PREDICT = Pattern.compile(
            "/v1/models/[^/]+(/versions/[^/]+)?:(classify|predict)|/v2/models/[^/]+(/versions/[^/]+)?/infer");

    /** Routes whose errors TF Serving and KServe clients read as {@code {"error": "..."}}. */
    private static final Pattern TENSOR_PROTOCOL = Pattern.compile("/v1/models/[^/]+(/versions/[^/]+)?:predict|/v2/.*");

    static final RequestMatcher PREDICT_ROUTES = request ->
            "POST".equals(request.getMethod()) && PREDICT.matcher(path(request)).matches();

    static final RequestMatcher ADMIN_ROUTES =
            request -> !READS.contains(request.getMethod()) && !PREDICT_ROUTES.matches(request);

    private Routes() {}

    static boolean speaksTensorProtocol(HttpServletRequest request) {
        return TENSOR_PROTOCOL.matcher(path(request)).matches();
    }

    /** The decoded path inside the application, as Spring MVC matches it. */
    static String path(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context == null || context.isEmpty() ? uri : uri.substring(context.length());
        return UriUtils.decode(path, StandardCharsets.UTF_8);
    }
}

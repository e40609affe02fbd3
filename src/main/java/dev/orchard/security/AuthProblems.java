package dev.orchard.security;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 answers in the route's own error format: {@code application/problem+json} on
 * Orchard's routes, {@code {"error": "..."}} on the TF Serving and KServe routes. 401 carries
 * {@code WWW-Authenticate: Bearer} as RFC 6750 asks.
 */
final class AuthProblems implements AuthenticationEntryPoint, AccessDeniedHandler {

    private final JsonMapper json;

    AuthProblems(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        boolean rejected = request.getHeader(HttpHeaders.AUTHORIZATION) != null;
        String detail = rejected
                ? "the bearer token was rejected: " + reason(e)
                : "this route needs 'Authorization: Bearer <token>' (an Orchard token or a Google ID token)";
        response.setHeader(
                HttpHeaders.WWW_AUTHENTICATE, rejected ? "Bearer error=\"invalid_token\"" : "Bearer realm=\"orchard\"");
        write(request, response, 401, "unauthorized", "Unauthorized", detail);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        write(
                request,
                response,
                403,
                "forbidden",
                "Forbidden",
                Routes.ADMIN_ROUTES.matches(request)
                        ? "this route is for admins; the presented identity is not one"
                        : "the presented identity may not call this route");
    }

    private static String reason(AuthenticationException e) {
        if (e instanceof InvalidBearerTokenException && e.getMessage() != null) {
            return e.getMessage();
        }
        return e.getMessage() == null ? "not valid" : e.getMessage();
    }

    private void write(
            HttpServletRequest request,
            HttpServletResponse response,
            int status,
            String type,
            String title,
            String detail)
            throws IOException {
        response.setStatus(status);
        Map<String, Object> body = new LinkedHashMap<>();
        if (Routes.speaksTensorProtocol(request)) {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            body.put("error", detail);
        } else {
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            body.put("type", "https://orchard.dev/problems/" + type);
            body.put("title", title);
            body.put("status", status);
            body.put("detail", detail);
            body.put("instance", request.getRequestURI());
        }
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }
}

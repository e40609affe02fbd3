package dev.orchard.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts each HTTP request's trace id into the logging MDC (the caller's {@code traceparent} or
 * {@code X-Cloud-Trace-Context} — Cloud Run sends one — or a new one) and returns it as {@code
 * X-Trace-Id}, so a caller can find every log line its request caused, including the job it
 * started. With spans on, the id is that of the request's span (Spring MVC's observation, a child
 * of the caller's {@code traceparent}), and the span's {@code traceparent} is what jobs the request
 * starts carry.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 2) // inside Spring MVC's observation filter (+1): its span is current
class TraceFilter extends OncePerRequestFilter {

    static final String RESPONSE_HEADER = "X-Trace-Id";

    private final Spans spans;

    TraceFilter(Spans spans) {
        this.spans = spans;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        // with spans on, the request's span (a child of the caller's traceparent) names the trace
        String traceparent = spans.currentTraceparent();
        String trace = traceparent != null
                ? TraceIds.idOf(traceparent)
                : TraceIds.fromHeaders(request.getHeader("traceparent"), request.getHeader("X-Cloud-Trace-Context"))
                        .orElseGet(TraceIds::newId);
        response.setHeader(RESPONSE_HEADER, trace);
        try (TraceIds.Scope traced = TraceIds.scope(trace, traceparent)) {
            chain.doFilter(request, response);
        }
    }
}

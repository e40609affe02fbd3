package dev.orchard.system;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Puts each HTTP request's trace id into the logging MDC (the caller's {@code traceparent} or
 * {@code X-Cloud-Trace-Context} — Cloud Run sends one — or a new one) and returns it as {@code
 * X-Trace-Id}, so a caller can find every log line its request caused, including the job it
 * started.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class TraceFilter extends OncePerRequestFilter {

    static final String RESPONSE_HEADER = "X-Trace-Id";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String trace = TraceIds.fromHeaders(
                        request.getHeader("traceparent"), request.getHeader("X-Cloud-Trace-Context"))
                .orElseGet(TraceIds::newId);
        String before = MDC.get(TraceIds.MDC_KEY);
        MDC.put(TraceIds.MDC_KEY, trace);
        response.setHeader(RESPONSE_HEADER, trace);
        try {
            chain.doFilter(request, response);
        } finally {
            if (before == null) {
                MDC.remove(TraceIds.MDC_KEY);
            } else {
                MDC.put(TraceIds.MDC_KEY, before);
            }
        }
    }
}

package dev.orchard.system;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.propagation.Propagator;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link Spans} over the tracer Spring Boot configures (OpenTelemetry: it is always there; spans
 * are recorded as {@code management.tracing.sampling.probability} says, 0 on the embedded default,
 * and exported over OTLP where the {@code gcp} profile sets an endpoint), else {@link Spans#OFF}.
 */
@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

    @Bean
    Spans spans(
            ObjectProvider<Tracer> tracer,
            ObjectProvider<Propagator> propagator,
            ObjectProvider<io.micrometer.observation.ObservationRegistry> observations) {
        // what ContextPropagatingTaskDecorator carries to a job's thread: the observation in scope
        observations.ifAvailable(
                registry -> io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor.getInstance()
                        .setObservationRegistry(registry));
        Tracer t = tracer.getIfAvailable();
        return t == null || t == Tracer.NOOP
                ? Spans.OFF
                : new Spans(t, propagator.getIfAvailable(() -> Propagator.NOOP));
    }

    @Bean
    TraceJobListener traceJobListener(Spans spans) {
        return new TraceJobListener(spans);
    }
}

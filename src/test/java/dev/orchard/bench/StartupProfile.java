package dev.orchard.bench;

import dev.orchard.OrchardApplication;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;
import org.springframework.boot.context.metrics.buffering.StartupTimeline.TimelineEvent;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.metrics.StartupStep;

/**
 * Where start-up time goes: runs the worker with Spring's buffering start-up recorder and prints
 * the steps (bean instantiations, context phases) that took longest <em>themselves</em> (a step's
 * duration less its sub-steps', so a bean is not charged for the beans it depends on), then exits.
 *
 * <pre>
 * ./mvnw -q test-compile exec:java -Pbenchmark -Dbenchmark.class=dev.orchard.bench.StartupProfile \
 *     -Dbenchmark.args="--orchard.storage.local.root=/tmp/startup-profile"
 * </pre>
 */
public final class StartupProfile {

    public static void main(String[] args) {
        long started = System.nanoTime();
        SpringApplication app = new SpringApplication(OrchardApplication.class);
        BufferingApplicationStartup startup = new BufferingApplicationStartup(100_000);
        app.setApplicationStartup(startup);
        String extra = System.getProperty("benchmark.args", "--server.port=0");
        try (ConfigurableApplicationContext context = app.run(extra.isBlank() ? new String[0] : extra.split("\\s+"))) {
            System.out.printf("context ready after %d ms%n", (System.nanoTime() - started) / 1_000_000);
            List<TimelineEvent> events = startup.getBufferedTimeline().getEvents();
            Map<Long, Duration> children = new HashMap<>();
            for (TimelineEvent e : events) {
                Long parent = e.getStartupStep().getParentId();
                if (parent != null) {
                    children.merge(parent, e.getDuration(), Duration::plus);
                }
            }
            System.out.println("  self  total  step");
            events.stream()
                    .sorted(Comparator.comparing((TimelineEvent e) -> self(e, children))
                            .reversed())
                    .limit(Integer.getInteger("benchmark.steps", 40))
                    .forEach(e -> System.out.printf(
                            "%6d %6d  %s %s%n",
                            self(e, children).toMillis(),
                            e.getDuration().toMillis(),
                            e.getStartupStep().getName(),
                            describe(e.getStartupStep())));
        }
    }

    private static Duration self(TimelineEvent event, Map<Long, Duration> children) {
        return event.getDuration()
                .minus(children.getOrDefault(event.getStartupStep().getId(), Duration.ZERO));
    }

    private static String describe(StartupStep step) {
        StringBuilder tags = new StringBuilder();
        step.getTags()
                .forEach(t ->
                        tags.append(t.getKey()).append('=').append(t.getValue()).append(' '));
        return tags.toString();
    }
}

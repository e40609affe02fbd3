package dev.orchard.dispatch;

import dev.orchard.registry.ModelReference;
import java.time.LocalDate;

/**
 * A {@code kind: score-prefix} spec from {@code jobs/*.yaml}: score everything under {@code
 * input} with the model, on a schedule.
 *
 * @param prefixTemplate the prefix, where {@code {date}} stands for the run's UTC date (yyyy-MM-dd)
 * @param schedule a Spring cron expression (6 fields, UTC), or {@code null} for none
 * @param partitions most partitions per run, or {@code null} for the configured number
 * @param file the spec file, for messages
 */
public record PrefixJobSpec(
        String name,
        String bucket,
        String prefixTemplate,
        ModelReference model,
        String schedule,
        Integer partitions,
        String file)
        implements JobSpec {

    /** The prefix a run on {@code date} scores. */
    public String prefixOn(LocalDate date) {
        return prefixTemplate.replace("{date}", date.toString());
    }
}

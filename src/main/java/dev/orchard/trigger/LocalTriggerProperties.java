package dev.orchard.trigger;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.trigger.local.*}: the directory watcher of the embedded default.
 *
 * @param enabled watch the trigger prefixes of the job specs (only with the local storage adapter)
 * @param scanInterval full rescan period; file-system events wake the watcher sooner
 * @param settle a file must be unchanged this long before it is scored (lets a copy finish)
 * @param maxBackoff longest wait before retrying an upload whose job failed
 */
@Validated
@ConfigurationProperties("orchard.trigger.local")
public record LocalTriggerProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") @NotNull Duration scanInterval,
        @DefaultValue("300ms") @NotNull Duration settle,
        @DefaultValue("5m") @NotNull Duration maxBackoff) {}

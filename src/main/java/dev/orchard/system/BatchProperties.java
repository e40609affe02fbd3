package dev.orchard.system;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.batch.*}.
 *
 * @param recoverStale mark job executions left STARTED by dead workers as FAILED
 * @param staleAfter how long an execution may go without an update before it counts as left behind
 * @param staleCheckInterval how often to look for them (also once at start)
 */
@Validated
@ConfigurationProperties("orchard.batch")
public record BatchProperties(
        @DefaultValue("true") boolean recoverStale,
        @DefaultValue("5m") @NotNull Duration staleAfter,
        @DefaultValue("1m") @NotNull Duration staleCheckInterval) {}

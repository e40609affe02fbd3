package dev.orchard.retrain;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.retrain.*}: the gate's defaults (a request may override them), resuming and watching.
 *
 * @param minAccuracy the candidate's holdout accuracy must be at least this
 * @param maxRegression the candidate may be at most this much less accurate than the champion on the
 *     same holdout
 * @param promote {@code auto}: a candidate that passes becomes champion; {@code manual}: it is
 *     registered and waits for a person's {@code :promote}
 * @param maxAttempts a retrain whose execution failed other than by its data (a crash, an outage)
 *     is resumed until it has been started this many times; asking again for a failed retrain
 *     restarts it until then too
 * @param resumeInterval how often failed retrains are looked for (also once at start)
 * @param watchInterval how often retrain specs with {@code trigger.new-objects} count new labelled
 *     objects (each check lists the dataset)
 */
@Validated
@ConfigurationProperties("orchard.retrain")
public record RetrainProperties(
        @DefaultValue("0.5") @DecimalMin("0") @DecimalMax("1")
        double minAccuracy,

        @DefaultValue("0.01") @DecimalMin("0") @DecimalMax("1")
        double maxRegression,

        @DefaultValue("auto") @NotNull Promote promote,

        @DefaultValue("3") @jakarta.validation.constraints.Min(1)
        int maxAttempts,

        @DefaultValue("1m") @NotNull Duration resumeInterval,
        @DefaultValue("1m") @NotNull Duration watchInterval) {

    public enum Promote {
        AUTO,
        MANUAL
    }
}

package dev.orchard.dispatch;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.jobs.location} (the upload windows' settings under {@code orchard.jobs.*} belong to
 * {@code UploadProperties}).
 *
 * @param location the directory holding {@code *.yaml} job specs; unset: {@code ./jobs} if there is
 *     one, else the built-in default spec (score {@code uploads/} with the bootstrap model)
 */
@Validated
@ConfigurationProperties("orchard.jobs")
public record JobSpecProperties(Path location) {}

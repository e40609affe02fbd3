package dev.orchard.model;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.images.*}: limits applied to every untrusted image before it is decoded.
 *
 * @param maxBytes largest encoded image accepted
 * @param maxPixels largest {@code width × height} a header may claim; checked before any pixel is
 *     allocated, so a 50000×50000 "decompression bomb" costs a header read
 */
@Validated
@ConfigurationProperties("orchard.images")
public record ImageLimits(
        @DefaultValue("20MB") @NotNull DataSize maxBytes,
        @DefaultValue("50000000") @Positive long maxPixels) {}

package dev.orchard.model;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.images.*}: limits applied to every untrusted image before it is decoded.
 *
 * @param maxBytes largest encoded image accepted
 * @param maxPixels largest {@code width × height} a header may claim, and a decoded raster may
 *     have; checked before any pixel is allocated, so a 50000×50000 "decompression bomb" costs a
 *     header read
 * @param maxJpegScans most scans a (progressive) JPEG may have; every scan is another pass over
 *     the whole image, so a small file with thousands of scans costs minutes of CPU
 * @param decodeBudget bytes all decodes in flight may hold at once (rasters, decoder buffers,
 *     copies); empty = {@code decodeBudgetHeapFraction} of the maximum heap
 * @param decodeBudgetHeapFraction the budget as a fraction of {@code -Xmx} when {@code
 *     decodeBudget} is not set
 * @param decodeWait how long a decode waits for budget before it is refused as busy (HTTP 503 +
 *     Retry-After, a retry for jobs)
 */
@Validated
@ConfigurationProperties("orchard.images")
public record ImageLimits(
        @DefaultValue("20MB") @NotNull DataSize maxBytes,
        @DefaultValue("50000000") @Positive long maxPixels,
        @DefaultValue("100") @Positive int maxJpegScans,
        DataSize decodeBudget,

        @DefaultValue("0.25") @DecimalMin("0.01") @DecimalMax("0.9")
        double decodeBudgetHeapFraction,

        @DefaultValue("2s") @NotNull Duration decodeWait) {

    /** These byte and pixel limits with the defaults for everything else. */
    public static ImageLimits of(DataSize maxBytes, long maxPixels) {
        return new ImageLimits(maxBytes, maxPixels, 100, null, 0.25, Duration.ofSeconds(2));
    }

    /** The decode budget in bytes: {@code decodeBudget}, or the fraction of this JVM's maximum heap. */
    public long budgetBytes() {
        return decodeBudget != null
                ? decodeBudget.toBytes()
                : (long) (Runtime.getRuntime().maxMemory() * decodeBudgetHeapFraction);
    }
}

package dev.orchard.storage;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.storage.*}: which adapter holds the buckets, and the bucket names.
 *
 * @param adapter {@code local} (a directory per bucket) or {@code gcs}
 * @param bucket the data bucket: uploads, predictions, training data
 * @param modelBucket the bucket that holds {@code models/}; defaults to {@code bucket}
 * @param local settings of the local adapter
 */
@Validated
@ConfigurationProperties("orchard.storage")
public record StorageProperties(
        @DefaultValue("local") @NotNull Adapter adapter,
        @DefaultValue("local") @NotBlank String bucket,
        String modelBucket,
        @DefaultValue Local local) {

    public enum Adapter {
        LOCAL,
        GCS
    }

    /** @param root the directory that holds one directory per bucket */
    public record Local(
            @DefaultValue("./orchard-data") @NotNull Path root) {}

    public String modelBucketOrDefault() {
        return modelBucket == null || modelBucket.isBlank() ? bucket : modelBucket;
    }
}

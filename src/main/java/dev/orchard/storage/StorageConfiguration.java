package dev.orchard.storage;

import com.google.cloud.storage.StorageOptions;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the {@link BlobStore} adapter from {@code orchard.storage.adapter}. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    BlobStore blobStore(StorageProperties properties, ObjectProvider<Clock> clock) {
        return switch (properties.adapter()) {
            case LOCAL -> new LocalBlobStore(properties.local().root(), clock.getIfAvailable(Clock::systemUTC));
            case GCS -> new GcsBlobStore(StorageOptions.getDefaultInstance().getService());
        };
    }
}

package dev.orchard.storage;

import com.google.api.gax.core.CredentialsProvider;
import com.google.cloud.spring.core.GcpProjectIdProvider;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the {@link BlobStore} adapter from {@code orchard.storage.adapter}. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    @Bean
    BlobStore blobStore(
            StorageProperties properties,
            ObjectProvider<Clock> clock,
            ObjectProvider<CredentialsProvider> gcpCredentials,
            ObjectProvider<GcpProjectIdProvider> gcpProject) {
        return switch (properties.adapter()) {
            case LOCAL -> new LocalBlobStore(properties.local().root(), clock.getIfAvailable(Clock::systemUTC));
            case GCS ->
                new GcsBlobStore(gcsOptions(gcpCredentials.getIfAvailable(), gcpProject.getIfAvailable())
                        .getService());
        };
    }

    /**
     * Cloud Storage with spring-cloud-gcp's credentials and project ({@code
     * spring.cloud.gcp.credentials.*}, {@code spring.cloud.gcp.project-id}, else Application
     * Default Credentials and the detected project) — the same ones Pub/Sub uses. Without them
     * ({@code spring.cloud.gcp.core.enabled=false}, which the embedded default sets when Pub/Sub is
     * off) the client library's own defaults apply.
     */
    static StorageOptions gcsOptions(CredentialsProvider credentials, GcpProjectIdProvider project) {
        StorageOptions.Builder options = StorageOptions.newBuilder();
        if (credentials != null) {
            try {
                options.setCredentials(credentials.getCredentials());
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "no Google credentials for Cloud Storage: set spring.cloud.gcp.credentials.location "
                                + "or provide Application Default Credentials (" + e.getMessage() + ")",
                        e);
            }
        }
        if (project != null && project.getProjectId() != null) {
            options.setProjectId(project.getProjectId());
        }
        return options.build();
    }
}

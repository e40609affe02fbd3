package dev.orchard.storage;

import com.google.api.gax.core.CredentialsProvider;
import com.google.cloud.spring.core.GcpProjectIdProvider;
import com.google.cloud.storage.StorageOptions;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Chooses the {@link BlobStore} adapter from {@code orchard.storage.adapter}. */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    BlobStore blobStore(
            StorageProperties properties,
            ObjectProvider<Clock> clock,
            ObjectProvider<CredentialsProvider> gcpCredentials,
            ObjectProvider<GcpProjectIdProvider> gcpProject,
            ObjectProvider<io.micrometer.tracing.Tracer> tracer) {
        BlobStore store =
                switch (properties.adapter()) {
                    case LOCAL -> new LocalBlobStore(properties.local().root(), clock.getIfAvailable(Clock::systemUTC));
                    case GCS ->
                        new GcsBlobStore(gcsOptions(gcpCredentials.getIfAvailable(), gcpProject.getIfAvailable())
                                .getService());
                };
        io.micrometer.tracing.Tracer spans = tracer.getIfAvailable();
        return spans == null || spans == io.micrometer.tracing.Tracer.NOOP ? store : new TracedBlobStore(store, spans);
    }

    /**
     * Cloud Storage with spring-cloud-gcp's credentials and project ({@code
     * spring.cloud.gcp.credentials.*}, {@code spring.cloud.gcp.project-id}, else Application
     * Default Credentials and the detected project) — the same ones Pub/Sub uses. Without them
     * ({@code spring.cloud.gcp.core.enabled=false}, which the embedded default sets when Pub/Sub is
     * off), or where they resolve to nothing (no key and no ADC: an emulator, say), the client
     * library's own defaults apply, as before. A key file that cannot be read fails the start here
     * ({@code system.DeferredCredentials} throws {@link IllegalStateException}, not the {@link
     * IOException} this falls back from).
     */
    static StorageOptions gcsOptions(CredentialsProvider credentials, GcpProjectIdProvider project) {
        StorageOptions.Builder options = StorageOptions.newBuilder();
        if (credentials != null) {
            try {
                options.setCredentials(credentials.getCredentials());
            } catch (IOException e) {
                log.warn("Cloud Storage uses the client library's default credentials: {}", e.getMessage());
            }
        }
        if (project != null && project.getProjectId() != null) {
            options.setProjectId(project.getProjectId());
        }
        return options.build();
    }
}

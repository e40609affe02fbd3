package dev.orchard.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.spring.autoconfigure.core.GcpProperties;
import com.google.cloud.spring.core.DefaultCredentialsProvider;
import com.google.cloud.storage.StorageOptions;
import dev.orchard.system.DeferredCredentials;
import dev.orchard.testing.ServiceAccountKeys;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.FileSystemResource;

/** The Cloud Storage client takes spring-cloud-gcp's credentials and project, not only ADC's. */
class StorageConfigurationTests {

    @TempDir
    Path dir;

    @Test
    void cloudStorageUsesTheKeyFileAndProjectSpringCloudGcpIsGiven() throws IOException {
        // given: spring.cloud.gcp.credentials.location, as on GKE without Workload Identity
        Path key = ServiceAccountKeys.write(dir, "orchard@key-project.iam.gserviceaccount.com", "key-project");
        GcpProperties gcp = new GcpProperties();
        gcp.getCredentials().setLocation(new FileSystemResource(key));

        // when
        var options = StorageConfiguration.gcsOptions(new DefaultCredentialsProvider(gcp), () -> "orchard-project");

        // then
        assertThat(options.getCredentials())
                .isInstanceOfSatisfying(
                        ServiceAccountCredentials.class, credentials -> assertThat(credentials.getClientEmail())
                                .isEqualTo("orchard@key-project.iam.gserviceaccount.com"));
        assertThat(options.getProjectId()).isEqualTo("orchard-project");
    }

    @Test
    void withoutKeyOrAdcTheClientLibraryDefaultsRemainAsBefore() {
        // when: spring-cloud-gcp's provider finds nothing (no key, no ADC: an emulator set-up)
        var options = StorageConfiguration.gcsOptions(
                () -> {
                    throw new IOException("Your default credentials were not found");
                },
                () -> "orchard-project");

        // then: no start failure; the project still applies
        assertThat(options.getCredentials())
                .isEqualTo(StorageOptions.newBuilder().build().getCredentials());
        assertThat(options.getProjectId()).isEqualTo("orchard-project");
    }

    @Test
    void aKeyFileThatCannotBeReadFailsTheStartInsteadOfFallingBackToOtherCredentials() {
        // given: spring.cloud.gcp.credentials.location names a file that is not there
        GcpProperties gcp = new GcpProperties();
        gcp.getCredentials().setLocation(new FileSystemResource(dir.resolve("missing-key.json")));
        var credentials = new DeferredCredentials(() -> new DefaultCredentialsProvider(gcp));

        // then: the store is not built (the worker does not start), and the message names the setting
        assertThatThrownBy(() -> StorageConfiguration.gcsOptions(credentials, () -> "orchard-project"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spring.cloud.gcp.credentials")
                .hasMessageContaining("missing-key.json");
    }
}

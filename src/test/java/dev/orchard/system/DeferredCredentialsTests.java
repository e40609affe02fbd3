package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeferredCredentialsTests {

    final GoogleCredentials credentials = GoogleCredentials.create(new AccessToken("token", null));

    @Test
    void nothingIsLookedUpUntilCredentialsAreAskedForAndThenOnce() throws IOException {
        AtomicInteger lookups = new AtomicInteger();
        DeferredCredentials deferred = new DeferredCredentials(() -> {
            lookups.incrementAndGet();
            return FixedCredentialsProvider.create(credentials);
        });
        assertThat(lookups).hasValue(0);

        assertThat(deferred.getCredentials()).isSameAs(credentials);
        assertThat(deferred.getCredentials()).isSameAs(credentials);

        assertThat(lookups).hasValue(1);
    }

    @Test
    void aKeyThatCannotBeReadIsAnErrorNotAnAbsenceACallerCouldFallBackFrom() throws IOException {
        AtomicInteger lookups = new AtomicInteger();
        DeferredCredentials deferred = new DeferredCredentials(() -> {
            if (lookups.incrementAndGet() == 1) {
                throw new FileNotFoundException("/secrets/key.json (No such file or directory)");
            }
            return FixedCredentialsProvider.create(credentials);
        });

        assertThatThrownBy(deferred::getCredentials)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spring.cloud.gcp.credentials")
                .hasMessageContaining("/secrets/key.json");
        assertThat(deferred.getCredentials()).as("tried again").isSameAs(credentials);
    }

    @Test
    void providerWithoutCredentialsStillSaysSoAsAnIOException() {
        DeferredCredentials deferred = new DeferredCredentials(() -> () -> {
            throw new IOException("Your default credentials were not found");
        });

        assertThatThrownBy(deferred::getCredentials)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not found");
    }
}

package dev.orchard.system;

import com.google.api.gax.core.CredentialsProvider;
import com.google.auth.Credentials;
import java.io.IOException;

/**
 * A {@link CredentialsProvider} that builds the real one when credentials are first asked for.
 * spring-cloud-gcp's provider looks up Application Default Credentials as it is built — on the
 * main thread while the context starts, logging a warning with a stack trace where there are none
 * (an emulator) — although in the embedded and emulator shapes nothing on the way to the first
 * prediction needs them. With Cloud Storage the store asks for them while it is built, so a start
 * on Google Cloud looks them up exactly as before.
 */
public final class DeferredCredentials implements CredentialsProvider {

    /** Builds the real provider; may read a key file. */
    @FunctionalInterface
    public interface Lookup {
        CredentialsProvider provider() throws IOException;
    }

    private final Lookup lookup;
    private CredentialsProvider provider;

    public DeferredCredentials(Lookup lookup) {
        this.lookup = lookup;
    }

    /**
     * The real provider's credentials. A provider that cannot be built (a key file that cannot be
     * read) throws {@link IllegalStateException}, not the {@link IOException} a caller may take for
     * "no credentials here" and fall back from; it is tried again on the next call.
     */
    @Override
    public Credentials getCredentials() throws IOException {
        return provider().getCredentials();
    }

    private synchronized CredentialsProvider provider() {
        if (provider == null) {
            try {
                provider = lookup.provider();
            } catch (IOException e) {
                throw new IllegalStateException(
                        "cannot read the Google Cloud credentials set in spring.cloud.gcp.credentials.*: "
                                + e.getMessage(),
                        e);
            }
        }
        return provider;
    }
}

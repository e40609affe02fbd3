package dev.orchard.security;

import jakarta.validation.constraints.NotNull;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code orchard.security.*}.
 *
 * @param adminToken static bearer token for admin routes (and predict); empty = none, except on
 *     the local storage adapter, where one is generated into {@code adminTokenFile}
 * @param adminTokenFile where the local default keeps its generated admin token (empty = {@code
 *     <orchard.storage.local.root>/.orchard-admin-token})
 * @param predictToken static bearer token that may call predict routes only; empty = none
 * @param predict whether predict routes ({@code :classify}, {@code :predict}, {@code /v2/.../infer})
 *     need a token
 * @param google Google-signed ID tokens (Cloud Run invokers, IAP, service accounts)
 */
@Validated
@ConfigurationProperties("orchard.security")
public record SecurityProperties(
        String adminToken,
        Path adminTokenFile,
        String predictToken,
        @DefaultValue("open") @NotNull PredictAccess predict,
        @DefaultValue Google google) {

    public enum PredictAccess {
        /** Anyone may call predict routes. */
        OPEN,
        /** Predict routes need an admin token, the predict token or an accepted Google ID token. */
        AUTHENTICATED
    }

    /**
     * @param audience the {@code aud} an ID token must carry (the Cloud Run URL or IAP client id);
     *     empty disables Google ID tokens
     * @param admins e-mails (users or service accounts) allowed on admin routes
     * @param callers e-mails allowed on predict routes when they are authenticated; empty = any
     *     verified Google identity whose token carries the audience
     * @param issuers accepted {@code iss} values
     * @param jwkSetUri where Google's signing keys are published
     */
    public record Google(
            String audience,
            @DefaultValue List<String> admins,
            @DefaultValue List<String> callers,

            @DefaultValue({"https://accounts.google.com", "accounts.google.com"})
            List<String> issuers,

            @DefaultValue("https://www.googleapis.com/oauth2/v3/certs") @NotNull
            URI jwkSetUri) {

        public boolean enabled() {
            return audience != null && !audience.isBlank();
        }
    }
}

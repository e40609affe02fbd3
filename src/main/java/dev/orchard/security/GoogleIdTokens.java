package dev.orchard.security;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationProvider;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Google-signed ID tokens, as Cloud Run, IAP and {@code gcloud auth print-identity-token} issue
 * them: RS256 signed by a key from Google's JWK set (fetched lazily and cached), {@code iss}
 * Google, {@code aud} the configured audience, not expired. The verified {@code email} decides the
 * grant: {@code admins} may do everything, {@code callers} (or any verified identity when that
 * list is empty) may call predict routes; other valid tokens are authenticated with no grant
 * (403 rather than 401).
 */
final class GoogleIdTokens {

    private final JwtAuthenticationProvider provider;

    GoogleIdTokens(SecurityProperties.Google google) {
        this(decoder(google), google);
    }

    GoogleIdTokens(JwtDecoder decoder, SecurityProperties.Google google) {
        Set<String> admins = lower(google.admins());
        Set<String> callers = lower(google.callers());
        this.provider = new JwtAuthenticationProvider(decoder);
        this.provider.setJwtAuthenticationConverter(jwt -> {
            String email = jwt.getClaimAsString("email");
            boolean verified = Boolean.TRUE.equals(jwt.getClaimAsBoolean("email_verified"));
            List<GrantedAuthority> grants = new ArrayList<>();
            if (email != null && verified) {
                String who = email.toLowerCase(Locale.ROOT);
                if (admins.contains(who)) {
                    grants.add(new SimpleGrantedAuthority(Authorities.ADMIN));
                    grants.add(new SimpleGrantedAuthority(Authorities.PREDICT));
                } else if (callers.isEmpty() || callers.contains(who)) {
                    grants.add(new SimpleGrantedAuthority(Authorities.PREDICT));
                }
            }
            return new JwtAuthenticationToken(jwt, grants, email != null ? email : "google:" + jwt.getSubject());
        });
    }

    /** @throws org.springframework.security.core.AuthenticationException if the token is not valid */
    Authentication authenticate(BearerTokenAuthenticationToken token) {
        return provider.authenticate(token);
    }

    static boolean looksLikeJwt(String token) {
        return token.chars().filter(c -> c == '.').count() == 2;
    }

    private static JwtDecoder decoder(SecurityProperties.Google google) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(
                        google.jwkSetUri().toString())
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .build();
        decoder.setJwtValidator(validator(google));
        return decoder;
    }

    static OAuth2TokenValidator<Jwt> validator(SecurityProperties.Google google) {
        Set<String> issuers = Set.copyOf(google.issuers());
        String audience = google.audience();
        return new DelegatingOAuth2TokenValidator<>(
                JwtValidators.createDefault(),
                new JwtClaimValidator<Object>(
                        JwtClaimNames.ISS, iss -> iss != null && issuers.contains(iss.toString())),
                new JwtClaimValidator<Collection<?>>(JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience)));
    }

    private static Set<String> lower(List<String> emails) {
        return emails.stream()
                .map(String::strip)
                .filter(e -> !e.isEmpty())
                .map(e -> e.toLowerCase(Locale.ROOT))
                .collect(Collectors.toUnmodifiableSet());
    }
}

package dev.orchard.security;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;

/**
 * Authenticates {@code Authorization: Bearer} tokens: a static token first (constant-time
 * comparison), then a Google ID token when those are enabled. Failure messages never contain the
 * token.
 */
final class BearerAuthentication implements AuthenticationManager {

    private final StaticTokens tokens;
    private final GoogleIdTokens google; // null when Google ID tokens are not configured

    BearerAuthentication(StaticTokens tokens, GoogleIdTokens google) {
        this.tokens = tokens;
        this.google = google;
    }

    @Override
    public Authentication authenticate(Authentication authentication) throws AuthenticationException {
        if (!(authentication instanceof BearerTokenAuthenticationToken bearer)) {
            return null;
        }
        String token = bearer.getToken();
        var grant = tokens.grant(token);
        if (grant.isPresent()) {
            return new TokenAuthentication(grant.get());
        }
        if (google != null && GoogleIdTokens.looksLikeJwt(token)) {
            return google.authenticate(bearer);
        }
        throw new BadCredentialsException(
                google == null
                        ? "the bearer token is not an Orchard token"
                        : "the bearer token is neither an Orchard token nor a Google ID token");
    }

    /** A caller that presented one of the static tokens. */
    static final class TokenAuthentication extends AbstractAuthenticationToken {

        private final StaticTokens.Grant grant;

        TokenAuthentication(StaticTokens.Grant grant) {
            super(authorities(grant));
            this.grant = grant;
            setAuthenticated(true);
        }

        private static List<GrantedAuthority> authorities(StaticTokens.Grant grant) {
            return switch (grant) {
                case ADMIN ->
                    List.of(
                            new SimpleGrantedAuthority(Authorities.ADMIN),
                            new SimpleGrantedAuthority(Authorities.PREDICT));
                case PREDICT -> List.of(new SimpleGrantedAuthority(Authorities.PREDICT));
            };
        }

        @Override
        public Object getCredentials() {
            return ""; // the token itself is not kept
        }

        @Override
        public Object getPrincipal() {
            return getName();
        }

        @Override
        public String getName() {
            return grant == StaticTokens.Grant.ADMIN ? "admin-token" : "predict-token";
        }
    }
}

package dev.orchard.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Stands in for Google's token service in tests: an RSA key published as a JWK set over HTTP (as
 * {@code https://www.googleapis.com/oauth2/v3/certs} publishes Google's), and ID tokens signed
 * with it carrying Google's claims.
 */
final class GoogleTokenIssuer implements AutoCloseable {

    static final String ISSUER = "https://accounts.google.com";

    private final RSAKey key;
    private final RSAKey stranger;
    private final HttpServer server;

    GoogleTokenIssuer() {
        try {
            key = new RSAKeyGenerator(2048).keyID("google-1").generate();
            stranger = new RSAKeyGenerator(2048).keyID("google-1").generate();
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
            server.createContext("/oauth2/v3/certs", exchange -> {
                exchange.getResponseHeaders().add("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, jwks.length);
                exchange.getResponseBody().write(jwks);
                exchange.close();
            });
            server.start();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String jwkSetUri() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/oauth2/v3/certs";
    }

    /** A valid ID token for {@code email} and {@code audience}, expiring in an hour. */
    String idToken(String email, String audience) {
        return token(claims(email, audience, Instant.now().plus(Duration.ofHours(1)), true), key);
    }

    String expiredIdToken(String email, String audience) {
        return token(claims(email, audience, Instant.now().minus(Duration.ofHours(1)), true), key);
    }

    String unverifiedEmailIdToken(String email, String audience) {
        return token(claims(email, audience, Instant.now().plus(Duration.ofHours(1)), false), key);
    }

    /** Right claims, same key id, but signed by a key Google never published. */
    String forgedIdToken(String email, String audience) {
        return token(claims(email, audience, Instant.now().plus(Duration.ofHours(1)), true), stranger);
    }

    private static JWTClaimsSet claims(String email, String audience, Instant expiry, boolean verified) {
        Instant issued = expiry.minus(Duration.ofHours(1));
        return new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject("1000" + Math.abs(email.hashCode()))
                .audience(audience)
                .issueTime(Date.from(issued))
                .expirationTime(Date.from(expiry))
                .claim("email", email)
                .claim("email_verified", verified)
                .build();
    }

    private static String token(JWTClaimsSet claims, RSAKey signer) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(signer.getKeyID())
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(signer));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}

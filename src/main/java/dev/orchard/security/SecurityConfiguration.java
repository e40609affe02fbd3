package dev.orchard.security;

import dev.orchard.storage.StorageProperties;
import jakarta.servlet.DispatcherType;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.web.SecurityFilterChain;
import tools.jackson.databind.json.JsonMapper;

/**
 * One stateless filter chain: bearer tokens only (no sessions, cookies or CSRF tokens, so no CSRF
 * surface), admin routes need the admin grant, predict routes need the predict grant when {@code
 * orchard.security.predict=authenticated}, everything else is open.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
        value = "SPRING_CSRF_PROTECTION_DISABLED",
        justification =
                "stateless API: no session and no cookie carries credentials (bearer tokens in the Authorization header, which a cross-site form cannot set), so there is nothing for CSRF to ride on")
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SecurityProperties.class)
class SecurityConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SecurityConfiguration.class);
    private static final int MIN_TOKEN_LENGTH = 16;

    @Bean
    BearerAuthentication bearerAuthentication(SecurityProperties properties, StorageProperties storage) {
        String adminToken = checked("orchard.security.admin-token", properties.adminToken());
        String predictToken = checked("orchard.security.predict-token", properties.predictToken());
        boolean google = properties.google().enabled();
        if (adminToken == null && !google && storage.adapter() == StorageProperties.Adapter.LOCAL) {
            Path file = properties.adminTokenFile() != null
                            && !properties.adminTokenFile().toString().isEmpty()
                    ? properties.adminTokenFile()
                    : storage.local().root().resolve(".orchard-admin-token");
            adminToken = StaticTokens.localAdminToken(file);
            log.info(
                    "admin routes (promote, rollback, register, jobs) accept the bearer token stored in {}"
                            + " (set orchard.security.admin-token to choose one)",
                    file.toAbsolutePath().normalize());
        } else if (adminToken == null && !google) {
            log.warn("admin routes are closed: set orchard.security.admin-token or orchard.security.google.audience"
                    + " and orchard.security.google.admins");
        }
        if (google) {
            log.info(
                    "Google ID tokens for audience {} are accepted; admins: {}, predict callers: {}",
                    properties.google().audience(),
                    properties.google().admins(),
                    properties.google().callers().isEmpty()
                            ? "any verified identity"
                            : properties.google().callers());
        }
        log.info(
                "predict routes are {}",
                properties.predict() == SecurityProperties.PredictAccess.OPEN ? "open" : "authenticated");
        return new BearerAuthentication(
                new StaticTokens(adminToken, predictToken), google ? new GoogleIdTokens(properties.google()) : null);
    }

    /**
     * No observation (metric or span) per security filter, authentication and authorization: each
     * request is already observed whole ({@code http.server.requests}, its span), and the filter
     * chain's observations cost a request more CPU than its image decode takes at 64×64
     * (docs/performance.md, HTTP).
     */
    @Bean
    SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    @Bean
    SecurityFilterChain api(
            HttpSecurity http, BearerAuthentication authentication, SecurityProperties properties, JsonMapper json)
            throws Exception {
        AuthProblems problems = new AuthProblems(json);
        boolean openPredict = properties.predict() == SecurityProperties.PredictAccess.OPEN;
        http.headers(headers -> headers.addHeaderWriter(ConsolePolicy.headerWriter()))
                .csrf(csrf -> csrf.disable())
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .authorizeHttpRequests(routes -> {
                    // error pages and forwards answer a request already authorised (or refused)
                    routes.dispatcherTypeMatchers(DispatcherType.ERROR, DispatcherType.FORWARD)
                            .permitAll();
                    if (openPredict) {
                        routes.requestMatchers(Routes.PREDICT_ROUTES).permitAll();
                    } else {
                        routes.requestMatchers(Routes.PREDICT_ROUTES).hasAuthority(Authorities.PREDICT);
                    }
                    routes.requestMatchers(Routes.ADMIN_ROUTES).hasAuthority(Authorities.ADMIN);
                    routes.anyRequest().permitAll();
                })
                .oauth2ResourceServer(server -> server.authenticationManagerResolver(request -> authentication)
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(
                        errors -> errors.authenticationEntryPoint(problems).accessDeniedHandler(problems));
        return http.build();
    }

    static String checked(String property, String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        if (token.strip().length() < MIN_TOKEN_LENGTH) {
            throw new IllegalStateException(
                    property + " must be at least " + MIN_TOKEN_LENGTH + " characters (e.g. openssl rand -base64 32)");
        }
        return token.strip();
    }
}

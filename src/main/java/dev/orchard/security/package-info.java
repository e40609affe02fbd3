/**
 * Who may call what. Admin routes (promote, rollback, register, jobs) always need a bearer token:
 * Orchard's static admin token, or a Google-signed ID token whose e-mail is an admin. Predict
 * routes are open unless {@code orchard.security.predict=authenticated}. Tokens are compared in
 * constant time and never logged.
 */
package dev.orchard.security;

package dev.orchard.security;

/** The two grants a caller can hold. */
final class Authorities {

    static final String ADMIN = "ORCHARD_ADMIN";
    static final String PREDICT = "ORCHARD_PREDICT";

    private Authorities() {}
}

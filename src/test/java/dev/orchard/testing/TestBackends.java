package dev.orchard.testing;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.gcloud.PubSubEmulatorContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The real backends the integration tests talk to. Where {@code .ci/run} (or a developer with
 * {@code source .ci/services.sh}) started them, the environment says where: {@code
 * PUBSUB_EMULATOR_HOST} and {@code ORCHARD_TEST_POSTGRES_URL} (role {@code orchard}, password
 * {@code orchard}, allowed to create databases). Otherwise, where Docker exists, Testcontainers
 * starts them once per test JVM. Where neither is available, the tests that need them are disabled
 * (use in {@code @EnabledIf}).
 */
public final class TestBackends {

    private static String pubSubHost;
    private static String postgresUrl;

    private TestBackends() {}

    /** Headless Chromium and its driver (Debian's {@code chromium}, {@code chromium-driver}; {@code .ci/run} installs them). */
    public static boolean chromiumAvailable() {
        return java.nio.file.Files.isExecutable(java.nio.file.Path.of(CHROMIUM))
                && java.nio.file.Files.isExecutable(java.nio.file.Path.of(CHROMEDRIVER));
    }

    /** The browser: {@code ORCHARD_CHROMIUM} (GitHub's runners: their Chrome), else Debian's chromium. */
    public static final String CHROMIUM = System.getenv().getOrDefault("ORCHARD_CHROMIUM", "/usr/bin/chromium");

    /** Its driver: {@code ORCHARD_CHROMEDRIVER}, else Debian's chromium-driver. */
    public static final String CHROMEDRIVER =
            System.getenv().getOrDefault("ORCHARD_CHROMEDRIVER", "/usr/bin/chromedriver");

    public static boolean pubSubAvailable() {
        return System.getenv("PUBSUB_EMULATOR_HOST") != null || docker();
    }

    public static boolean postgresAvailable() {
        return System.getenv("ORCHARD_TEST_POSTGRES_URL") != null || docker();
    }

    public static boolean pubSubAndPostgresAvailable() {
        return pubSubAvailable() && postgresAvailable();
    }

    /** host:port of a Pub/Sub emulator. */
    public static synchronized String pubSubEmulatorHost() {
        if (pubSubHost == null) {
            String fromEnvironment = System.getenv("PUBSUB_EMULATOR_HOST");
            if (fromEnvironment != null) {
                pubSubHost = fromEnvironment;
            } else {
                PubSubEmulatorContainer emulator =
                        new PubSubEmulatorContainer("gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators");
                emulator.start();
                pubSubHost = emulator.getEmulatorEndpoint();
            }
        }
        return pubSubHost;
    }

    /** JDBC URL of a PostgreSQL maintenance database where role {@code orchard} may create databases. */
    public static synchronized String postgresUrl() {
        if (postgresUrl == null) {
            String fromEnvironment = System.getenv("ORCHARD_TEST_POSTGRES_URL");
            if (fromEnvironment != null) {
                postgresUrl = fromEnvironment;
            } else {
                PostgreSQLContainer postgres = new PostgreSQLContainer("postgres:15")
                        .withDatabaseName("postgres")
                        .withUsername("orchard")
                        .withPassword("orchard");
                postgres.start();
                postgresUrl = postgres.getJdbcUrl();
            }
        }
        return postgresUrl;
    }

    private static boolean docker() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}

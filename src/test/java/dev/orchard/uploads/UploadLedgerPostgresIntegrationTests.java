package dev.orchard.uploads;

import dev.orchard.testing.TestBackends;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The ledger's contract on PostgreSQL, the shared job repository of replicas: the same tests as on
 * H2 (single and window claims, take-overs, the insert race, many workers claiming overlapping
 * windows at once), each on a fresh database.
 */
@EnabledIf("dev.orchard.testing.TestBackends#postgresAvailable")
class UploadLedgerPostgresIntegrationTests extends UploadLedgerTests {

    private String database;

    @Override
    DataSource dataSource() throws Exception {
        database = "ledger_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection admin = DriverManager.getConnection(TestBackends.postgresUrl(), "orchard", "orchard")) {
            admin.createStatement().execute("CREATE DATABASE " + database);
        }
        return new SimpleDriverDataSource(
                new org.postgresql.Driver(),
                TestBackends.postgresUrl().replaceAll("/[^/]*$", "/" + database),
                "orchard",
                "orchard");
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection admin = DriverManager.getConnection(TestBackends.postgresUrl(), "orchard", "orchard")) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}

package dev.orchard.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.storage.ObjectRef;
import dev.orchard.testing.TestBackends;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * The ledger's contract on PostgreSQL, the shared job repository of replicas: the same tests as on
 * H2 (single and window claims, take-overs, the insert race, many workers claiming overlapping
 * windows at once), each on a fresh database; and that a window's claim stays a look-up per key
 * when the ledger is large.
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

    @Test
    void aWindowsClaimLooksUpItsKeysInsteadOfReadingTheWholeBucket() {
        // given: 50,000 finished uploads of one bucket, and statistics that know it is one bucket
        UploadLedger ledger = worker("a");
        jdbc.execute("INSERT INTO ORCHARD_UPLOAD_LEDGER"
                + " SELECT 'local', 'uploads/done-' || i || '.jpg', i, 'DONE', 'a', now(), now()"
                + " FROM generate_series(1, 50000) AS i");
        jdbc.execute("ANALYZE ORCHARD_UPLOAD_LEDGER");
        List<ObjectRef> window = IntStream.range(0, 200)
                .mapToObj(i -> new ObjectRef("local", "uploads/new-" + i + ".jpg", i + 1L))
                .toList();
        Object[] keys = window.stream()
                .flatMap(ref -> Stream.of(ref.bucket(), ref.name(), ref.generation()))
                .toArray();

        // when: the statement a window's claim reads its rows with is planned as a statement prepared
        // on the server is after a few runs (a generic plan, for any values of its parameters) and run
        StringBuilder numbered = new StringBuilder();
        int parameter = 0;
        for (char c : UploadLedger.rowsQuery(200).toCharArray()) {
            numbered.append(c == '?' ? "$" + ++parameter : String.valueOf(c));
        }
        String values = Stream.of(keys)
                .map(key -> key instanceof String text ? "'" + text + "'" : key.toString())
                .collect(java.util.stream.Collectors.joining(", "));
        String plan = jdbc.execute((java.sql.Connection connection) -> {
            try (var statement = connection.createStatement()) {
                statement.execute("SET plan_cache_mode = force_generic_plan");
                statement.execute("PREPARE window_rows AS " + numbered);
                StringBuilder lines = new StringBuilder();
                try (var result =
                        statement.executeQuery("EXPLAIN (ANALYZE, COSTS OFF) EXECUTE window_rows(" + values + ")")) {
                    while (result.next()) {
                        lines.append(result.getString(1)).append('\n');
                    }
                }
                return lines.toString();
            }
        });

        // then: one primary-key look-up per key, no row of the bucket filtered through the list
        assertThat(plan)
                .contains("Index Scan using orchard_upload_ledger_pkey")
                .doesNotContain("Seq Scan on orchard_upload_ledger")
                .doesNotContain("Rows Removed by Filter");
        assertThat(ledger.claimAll(window).values()).containsOnly(UploadLedger.Claim.CLAIMED);
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try (Connection admin = DriverManager.getConnection(TestBackends.postgresUrl(), "orchard", "orchard")) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }
}

package dev.orchard.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticTokensTests {

    @Test
    void grantsFollowTheTokenExactly() {
        StaticTokens tokens = new StaticTokens("admin-0123456789abcdef", "predict-0123456789abcdef");

        assertThat(tokens.grant("admin-0123456789abcdef")).hasValue(StaticTokens.Grant.ADMIN);
        assertThat(tokens.grant("predict-0123456789abcdef")).hasValue(StaticTokens.Grant.PREDICT);
        assertThat(tokens.grant("admin-0123456789abcdeF")).isEmpty();
        assertThat(tokens.grant("admin-0123456789abcde")).isEmpty();
        assertThat(tokens.grant("")).isEmpty();
        assertThat(new StaticTokens(null, " ").grant("")).isEmpty();
    }

    @Test
    void theLocalTokenIsGeneratedOnceAndKept(@TempDir Path dir) throws Exception {
        for (int round = 0; round < 40; round++) { // concurrent first starts race; repeat to catch it
            Path file = dir.resolve("round-" + round + "/.orchard-admin-token");
            Set<String> seen = ConcurrentHashMap.newKeySet();

            IntStream.range(0, 8).parallel().forEach(i -> seen.add(StaticTokens.localAdminToken(file)));

            assertThat(seen).as("round " + round).hasSize(1);
            assertThat(Files.readString(file).strip()).isEqualTo(seen.iterator().next());
            assertThat(StaticTokens.localAdminToken(file))
                    .isEqualTo(seen.iterator().next());
            try (var leftovers = Files.list(file.getParent())) {
                assertThat(leftovers).containsExactly(file); // no temporary files left behind
            }
        }
    }

    @Test
    void aTamperedShortTokenFileIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve(".orchard-admin-token");
        Files.writeString(file, "short\n");

        assertThatThrownBy(() -> StaticTokens.localAdminToken(file)).hasMessageContaining("shorter than 16");
    }

    @Test
    void configuredTokensMustBeLongEnough() {
        assertThatThrownBy(() -> SecurityConfiguration.checked("orchard.security.admin-token", "secret"))
                .hasMessageContaining("orchard.security.admin-token must be at least 16 characters");
        assertThat(SecurityConfiguration.checked("orchard.security.admin-token", "  "))
                .isNull();
    }
}

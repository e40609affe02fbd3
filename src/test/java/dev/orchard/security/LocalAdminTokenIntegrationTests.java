package dev.orchard.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.orchard.EmbeddedWorkerSupport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.springframework.http.ResponseEntity;

/** The embedded default: predict is open, admin routes take the token generated beside the data. */
class LocalAdminTokenIntegrationTests extends EmbeddedWorkerSupport {

    @Test
    void adminRoutesTakeTheGeneratedTokenAndPredictIsOpen() throws Exception {
        // given
        Path file = DATA.resolve(".orchard-admin-token");
        String token = Files.readString(file).strip();

        // then
        assertThat(token).hasSizeGreaterThanOrEqualTo(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        ResponseEntity<String> anonymous = postJson("/v1/models/fashion:promote", "{\"version\":1}", null);
        assertProblem(anonymous, 401, "Authorization: Bearer");
        ResponseEntity<String> admin = postJson("/v1/models/fashion:promote", "{\"version\":1}", token);
        assertThat(admin.getStatusCode().value()).as(admin.getBody()).isEqualTo(200);
        assertThat(json.readTree(admin.getBody()).path("champion").asInt()).isEqualTo(1);
        assertThat(classify(
                                "fashion",
                                Files.readAllBytes(dev.orchard.training.SampleDataset.images("bag", 1)
                                        .get(0)))
                        .getStatusCode()
                        .value())
                .isEqualTo(200);
    }
}

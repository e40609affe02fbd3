package dev.orchard.uploads;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerIdentityTests {

    @TempDir
    Path data;

    @Test
    void aWorkerOnTheSameDataDirectoryKeepsItsNameAcrossRestarts() throws Exception {
        String first;
        try (WorkerIdentity identity = WorkerIdentity.of(null, data)) {
            first = identity.name();
        }
        try (WorkerIdentity restarted = WorkerIdentity.of("", data)) {
            assertThat(restarted.name()).isEqualTo(first).startsWith("local-");
        }
    }

    @Test
    void aSecondWorkerSharingTheDirectoryGetsANameOfItsOwn() throws Exception {
        try (WorkerIdentity first = WorkerIdentity.of(null, data);
                WorkerIdentity second = WorkerIdentity.of(null, data)) {
            assertThat(second.name()).isNotEqualTo(first.name()).isEqualTo(WorkerIdentity.hostAndPid());
        }
    }

    @Test
    void aConfiguredNameWinsAndWithoutADirectoryItIsHostAndPid() throws Exception {
        try (WorkerIdentity configured = WorkerIdentity.of("replica-a", data);
                WorkerIdentity cloud = WorkerIdentity.of(null, null)) {
            assertThat(configured.name()).isEqualTo("replica-a");
            assertThat(cloud.name()).isEqualTo(WorkerIdentity.hostAndPid());
        }
    }
}

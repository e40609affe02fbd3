package dev.orchard.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fresh temporary directories for test classes' static fields. */
public final class TestDirectories {

    private TestDirectories() {}

    /** A new empty directory under the system temp directory, named {@code prefix} + a unique suffix. */
    public static Path create(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

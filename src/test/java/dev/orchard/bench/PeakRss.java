package dev.orchard.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A process's peak resident set size ({@code VmHWM} in {@code /proc/<pid>/status}), for benchmarks to print. */
final class PeakRss {

    private PeakRss() {}

    /** This JVM's peak resident set, in KB ({@code -1} where {@code /proc} is not there). */
    static long ofThisProcessKb() {
        return ofKb(ProcessHandle.current().pid());
    }

    /** Process {@code pid}'s peak resident set, in KB ({@code -1} where unknown). */
    static long ofKb(long pid) {
        Path status = Path.of("/proc/" + pid + "/status");
        if (!Files.exists(status)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            return -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.orchard.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time this JVM's JIT compiler threads have used so far, from {@code /proc/self/task}: on a
 * machine of few cores, what the compilers take is not left for the work being measured.
 */
final class CompilerCpu {

    private CompilerCpu() {}

    /** User + system CPU of the live C1 and C2 compiler threads, in ms ({@code -1} where {@code /proc} is not there). */
    static long millis() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long millis = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                millis += compilerMillis(thread);
            }
        } catch (IOException e) {
            return -1;
        }
        return millis;
    }

    private static long compilerMillis(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm")).strip();
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            return PrefixJobBenchmark.cpuMillis(thread.resolve("stat"));
        } catch (IOException | RuntimeException gone) {
            return 0; // the thread ended meanwhile
        }
    }
}

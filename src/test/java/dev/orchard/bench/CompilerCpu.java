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

    /** Linux reports thread times in clock ticks of 1/100 s ({@code USER_HZ}). */
    private static final long MILLIS_PER_TICK = 10;

    private CompilerCpu() {}

    /** User + system CPU of the live C1 and C2 compiler threads, in ms ({@code -1} where {@code /proc} is not there). */
    static long millis() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long ticks = 0;
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(tasks)) {
            for (Path thread : threads) {
                ticks += compilerTicks(thread);
            }
        } catch (IOException e) {
            return -1;
        }
        return ticks * MILLIS_PER_TICK;
    }

    private static long compilerTicks(Path thread) {
        try {
            String name = Files.readString(thread.resolve("comm")).strip();
            if (!name.startsWith("C1 CompilerThre") && !name.startsWith("C2 CompilerThre")) {
                return 0;
            }
            String stat = Files.readString(thread.resolve("stat"));
            // after "pid (comm) ": state is field 3, utime field 14, stime field 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException gone) {
            return 0; // the thread ended meanwhile
        }
    }
}

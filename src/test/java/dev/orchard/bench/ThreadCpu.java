package dev.orchard.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU a process has used, by kind of thread ({@code /proc/<pid>/task/<tid>/stat}: user +
 * system time), for benchmarks to say where the time went: the main thread, the C1 and C2
 * compilers, GC, the champion's threads, others alive, and threads that had already exited (the
 * process's total less its live threads').
 */
final class ThreadCpu {

    /** The kinds, in the order they print. */
    static final java.util.List<String> KINDS =
            java.util.List.of("total", "main", "C2", "C1", "GC", "champion", "exited", "other");

    private ThreadCpu() {}

    /** Seconds of CPU per kind, {@code total} included; empty where {@code /proc} is not there. */
    static Map<String, Double> of(long pid) {
        Map<String, Double> seconds = new TreeMap<>();
        millis(pid).forEach((kind, millis) -> seconds.put(kind, millis / 1000.0));
        return seconds;
    }

    /**
     * User + system CPU of this JVM's live C1 and C2 compiler threads so far, in ms ({@code -1} where
     * {@code /proc} is not there): on a machine of few cores, what the compilers take is not left for
     * the work being measured.
     */
    static long compilerMillisOfThisJvm() {
        Map<String, Long> millis = millis(ProcessHandle.current().pid());
        return millis.isEmpty() ? -1 : millis.getOrDefault("C1", 0L) + millis.getOrDefault("C2", 0L);
    }

    /** Milliseconds of CPU per kind, {@code total} included; empty where {@code /proc} is not there. */
    private static Map<String, Long> millis(long pid) {
        Path process = Path.of("/proc/" + pid);
        Map<String, Long> millis = new TreeMap<>();
        if (!Files.exists(process)) {
            return millis;
        }
        long live = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(process.resolve("task"))) {
            for (Path task : tasks) {
                long cpu;
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    cpu = PrefixJobBenchmark.cpuMillis(task.resolve("stat"));
                } catch (IOException | RuntimeException exited) {
                    continue; // ended while listed: counted with the exited ones
                }
                live += cpu;
                millis.merge(kind(name), cpu, Long::sum);
            }
            long total = PrefixJobBenchmark.cpuMillis(process.resolve("stat"));
            millis.put("total", total);
            millis.put("exited", Math.max(0, total - live));
        } catch (IOException e) {
            return new TreeMap<>();
        }
        return millis;
    }

    /** A thread's kind from its name (Linux keeps 15 characters; the main thread is named after the launcher). */
    private static String kind(String name) {
        if (name.equals("java") || name.equals("main")) {
            return "main";
        }
        if (name.startsWith("C2 Compiler")) {
            return "C2";
        }
        if (name.startsWith("C1 Compiler")) {
            return "C1";
        }
        if (name.startsWith("champion-")) {
            return "champion";
        }
        if (name.startsWith("GC ") || name.startsWith("G1 ")) {
            return "GC";
        }
        return "other";
    }
}

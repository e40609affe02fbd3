package dev.orchard.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CPU a process has used, by kind of thread ({@code /proc/<pid>/task/<tid>/stat}: user +
 * system time), for start-up benchmarks to say where the time went: the main thread, the C1 and C2
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
        Path process = Path.of("/proc/" + pid);
        Map<String, Double> seconds = new TreeMap<>();
        if (!Files.exists(process)) {
            return seconds;
        }
        double live = 0;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(process.resolve("task"))) {
            for (Path task : tasks) {
                double cpu;
                String name;
                try {
                    name = Files.readString(task.resolve("comm")).strip();
                    cpu = PrefixJobBenchmark.cpuMillis(task.resolve("stat")) / 1000.0;
                } catch (IOException | RuntimeException exited) {
                    continue; // ended while listed: counted with the exited ones
                }
                live += cpu;
                seconds.merge(kind(name), cpu, Double::sum);
            }
            double total = PrefixJobBenchmark.cpuMillis(process.resolve("stat")) / 1000.0;
            seconds.put("total", total);
            seconds.put("exited", Math.max(0, total - live));
        } catch (IOException e) {
            return new TreeMap<>();
        }
        return seconds;
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

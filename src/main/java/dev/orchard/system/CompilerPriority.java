package dev.orchard.system;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Runs the JVM's optimizing (C2) JIT compiler threads at the lowest scheduling priority (nice 19),
 * so they compile in the time the worker's own threads leave idle instead of taking a core from
 * start-up and the first requests.
 *
 * <p>Why: on two cores the C2 thread is busy for the first ~25 s of a worker's life (about 1,400
 * methods Spring's start-up and the first job make hot) and takes a whole core from the main thread
 * while the worker starts and from the first job after it; the code it compiles is only needed
 * once the work repeats. At nice 19 it still gets every idle moment, and the jobs after the first
 * reach the same rate (docs/performance.md, "Start-up").
 *
 * <p>How: {@code renice} on the C2 threads found in {@code /proc/self/task}, from a daemon thread, so
 * start-up does not wait for it. Only a higher nice value is asked for, which needs no privilege.
 * Anywhere that cannot be done — no {@code /proc} (not Linux), no {@code renice} binary, a sandbox
 * that refuses it, a C1-only JVM ({@code -XX:TieredStopAtLevel=1}) without C2 threads — the worker
 * runs as before, and its start-up log says why. {@code -Dorchard.jit.background=false} (or {@code
 * ORCHARD_JIT_BACKGROUND=false}) leaves the compiler threads alone.
 */
@edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
        value = "DMI_HARDCODED_ABSOLUTE_FILENAME",
        justification = "/proc/self/task and renice live at these paths on Linux; anywhere else nothing is done")
public final class CompilerPriority {

    /** The nice value the C2 threads get: the lowest priority. */
    static final int NICE = 19;

    private static final Logger log = LoggerFactory.getLogger(CompilerPriority.class);
    private static final List<Path> RENICE = List.of(Path.of("/usr/bin/renice"), Path.of("/bin/renice"));
    private static final Path TASKS = Path.of("/proc/self/task");

    /** What {@link #lowerInBackground()} did, or why it did nothing. */
    private static volatile String outcome = "not applied";

    private CompilerPriority() {}

    /**
     * Lowers the C2 threads' priority on a daemon thread and returns at once, unless switched off.
     * Call it first thing in {@code main}.
     *
     * @return the thread doing it, empty when switched off
     */
    public static Optional<Thread> lowerInBackground() {
        if (!enabled(System.getProperty("orchard.jit.background"), System.getenv("ORCHARD_JIT_BACKGROUND"))) {
            outcome = "left at normal priority (orchard.jit.background=false)";
            return Optional.empty();
        }
        Thread thread = new Thread(() -> outcome = lower(TASKS, RENICE), "compiler-priority");
        thread.setDaemon(true);
        thread.start();
        return Optional.of(thread);
    }

    /** The system property, else the environment variable; on unless one of them says false. */
    static boolean enabled(String property, String environment) {
        String value = property != null ? property : environment;
        return value == null || !value.strip().equalsIgnoreCase("false");
    }

    /** What {@link #lowerInBackground()} did, or why it did nothing (so far). */
    public static String outcome() {
        return outcome;
    }

    /** Logs what {@link #lowerInBackground()} did once the worker is ready (logging is set up by then). */
    public static ApplicationListener<ApplicationReadyEvent> reportWhenReady() {
        return new Report();
    }

    private static final class Report implements ApplicationListener<ApplicationReadyEvent> {

        @Override
        public void onApplicationEvent(ApplicationReadyEvent event) {
            log.info("JIT C2 compiler threads: {}", outcome);
        }
    }

    /**
     * Renices the C2 compiler threads listed under {@code tasks} (a {@code /proc/<pid>/task}
     * directory) with the first of {@code renice} that exists.
     *
     * @return what was done, or why nothing was
     */
    @edu.umd.cs.findbugs.annotations.SuppressFBWarnings(
            value = "COMMAND_INJECTION",
            justification =
                    "a renice binary from a fixed list, constant options and thread ids that are digits only (compilerThreads)")
    static String lower(Path tasks, List<Path> renice) {
        if (!Files.isDirectory(tasks)) {
            return "left at normal priority (no " + tasks + ": not Linux)";
        }
        List<String> threads = compilerThreads(tasks);
        if (threads.isEmpty()) {
            return "none in this JVM (C1 only?)";
        }
        Optional<Path> binary = renice.stream().filter(Files::isExecutable).findFirst();
        if (binary.isEmpty()) {
            return "left at normal priority (no renice binary at " + renice + ")";
        }
        List<String> command = new ArrayList<>(List.of(binary.get().toString(), "-n", Integer.toString(NICE), "-p"));
        command.addAll(threads);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "left at normal priority (renice did not finish in 10 s)";
            }
            return process.exitValue() == 0
                    ? "threads " + threads + " at nice " + NICE + " (they compile in idle time)"
                    : "left at normal priority (renice exited with " + process.exitValue() + ")";
        } catch (IOException e) {
            return "left at normal priority (renice failed: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "left at normal priority (interrupted)";
        }
    }

    /**
     * The ids (digits only) of the threads under {@code tasks} whose name is HotSpot's C2 compiler
     * thread's.
     */
    static List<String> compilerThreads(Path tasks) {
        List<String> ids = new ArrayList<>();
        try (DirectoryStream<Path> all = Files.newDirectoryStream(tasks)) {
            for (Path task : all) {
                Path id = task.getFileName();
                if (id == null || !id.toString().matches("\\d+")) {
                    continue;
                }
                try {
                    if (Files.readString(task.resolve("comm")).startsWith("C2 Compiler")) {
                        ids.add(id.toString());
                    }
                } catch (IOException gone) {
                    // the thread ended while we looked
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return ids.stream().sorted().toList();
    }

    /** The nice value of the thread {@code task} (a {@code /proc/<pid>/task/<tid>} directory). */
    static OptionalInt nice(Path task) {
        try {
            String stat = Files.readString(task.resolve("stat"));
            // fields after "pid (comm) " start at the third; nice is the 19th
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return OptionalInt.of(Integer.parseInt(fields[16]));
        } catch (IOException | RuntimeException e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Lowers this JVM's C2 threads' priority (as the worker does, unless switched off), then prints
     * the outcome and each C2 thread's nice value: {@code tid nice} per line.
     */
    public static void main(String[] args) throws InterruptedException {
        Optional<Thread> lowering = lowerInBackground();
        if (lowering.isPresent()) {
            lowering.get().join(15_000);
        }
        System.out.println("outcome: " + outcome);
        for (String id : compilerThreads(TASKS)) {
            System.out.println(id + " " + nice(TASKS.resolve(id)).orElse(Integer.MIN_VALUE));
        }
    }
}

package dev.orchard.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The C2 compiler threads at nice 19: each case runs a fresh JVM ({@link CompilerPriority#main}), so
 * this test JVM's own compiler keeps its priority.
 */
class CompilerPriorityTests {

    private static final Path RENICE = Path.of("/usr/bin/renice");

    @Test
    void aFreshJvmsC2ThreadsEndAtNice19() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")) && Files.isExecutable(RENICE), "Linux with renice");

        // when
        List<String> out = runMain(List.of());

        // then
        assertThat(out.get(0)).startsWith("outcome: threads [").endsWith("at nice 19 (they compile in idle time)");
        assertThat(out.subList(1, out.size())).isNotEmpty().allSatisfy(line -> assertThat(line)
                .endsWith(" 19"));
    }

    @Test
    void switchedOffTheyKeepTheirPriority() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux");

        List<String> out = runMain(List.of("-Dorchard.jit.background=false"));

        assertThat(out.get(0)).isEqualTo("outcome: left at normal priority (orchard.jit.background=false)");
        assertThat(out.subList(1, out.size())).isNotEmpty().allSatisfy(line -> assertThat(line)
                .endsWith(" 0"));
    }

    @Test
    void aC1OnlyJvmHasNoneAndStartsAsBefore() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux");

        List<String> out = runMain(List.of("-XX:TieredStopAtLevel=1"));

        assertThat(out).containsExactly("outcome: none in this JVM (C1 only?)");
    }

    @Test
    void withoutReniceOrProcNothingIsChangedAndTheOutcomeSaysWhy(@TempDir Path dir) {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux");

        assertThat(CompilerPriority.lower(Path.of("/proc/self/task"), List.of(dir.resolve("renice"))))
                .isEqualTo("left at normal priority (no renice binary at [" + dir.resolve("renice") + "])");
        assertThat(CompilerPriority.lower(dir.resolve("no-proc"), List.of(RENICE)))
                .isEqualTo("left at normal priority (no " + dir.resolve("no-proc") + ": not Linux)");
    }

    @Test
    void aReniceThatFailsLeavesThemAloneAndSaysSoAndOnlyThreadIdsAreArguments(@TempDir Path dir) throws IOException {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux");
        // given: a task directory with a C2 thread id that does not exist
        Files.createDirectories(dir.resolve("tasks/999999999"));
        Files.writeString(dir.resolve("tasks/999999999/comm"), "C2 CompilerThre\n");
        Files.createDirectories(dir.resolve("tasks/1"));
        Files.writeString(dir.resolve("tasks/1/comm"), "main\n");
        Files.createDirectories(dir.resolve("tasks/-p 1")); // never a thread id: never an argument
        Files.writeString(dir.resolve("tasks/-p 1/comm"), "C2 CompilerThre\n");

        // when
        String outcome = CompilerPriority.lower(dir.resolve("tasks"), List.of(Path.of("/bin/false")));

        // then
        assertThat(CompilerPriority.compilerThreads(dir.resolve("tasks"))).containsExactly("999999999");
        assertThat(outcome).isEqualTo("left at normal priority (renice exited with 1)");
    }

    @Test
    void theSwitchIsTheSystemPropertyElseTheEnvironment() {
        assertThat(CompilerPriority.enabled(null, null)).isTrue();
        assertThat(CompilerPriority.enabled("false", null)).isFalse();
        assertThat(CompilerPriority.enabled(null, " FALSE ")).isFalse();
        assertThat(CompilerPriority.enabled("true", "false")).isTrue();
        assertThat(CompilerPriority.enabled(null, "true")).isTrue();
    }

    @Test
    void niceIsReadAfterACommandNameWithSpacesAndParentheses(@TempDir Path dir) throws IOException {
        // given: /proc/<pid>/task/<tid>/stat, the name in parentheses may hold both
        String stat = "4242 (C2 (x) y) S 1 4242 4242 0 -1 4194624 10 0 0 0 5 1 0 0 39 19 30 0 100 0\n";
        Files.writeString(dir.resolve("stat"), stat);

        assertThat(CompilerPriority.nice(dir)).hasValue(19);
        assertThat(CompilerPriority.nice(dir.resolve("gone"))).isEmpty();
    }

    /** Runs {@link CompilerPriority#main} in a new JVM with {@code options}: its output lines. */
    private static List<String> runMain(List<String> options) throws Exception {
        String java = WorkerProcess.currentJava();
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(options);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), CompilerPriority.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("ORCHARD_JIT_BACKGROUND");
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        List<String> lines = new String(process.getInputStream().readAllBytes())
                .lines()
                .filter(l -> l.startsWith("outcome: ") || l.matches("\\d+ -?\\d+"))
                .toList();
        assertThat(process.exitValue()).as(String.join("\n", lines)).isZero();
        return lines;
    }
}

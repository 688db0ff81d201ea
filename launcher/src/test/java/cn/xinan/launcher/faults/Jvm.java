package cn.xinan.launcher.faults;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a child JVM on this JVM's class path (the launcher and everything it depends on, as {@code ./xinan}
 * runs them; under Surefire the booter jar's manifest carries the same class path), with its output appended
 * to a log file. Kills are real signals: {@link #kill} is SIGKILL, {@link #terminate} SIGTERM.
 */
final class Jvm {
    private Jvm() {
    }

    static Process start(String mainClass, List<String> args, Path log, String maxHeap) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-Xmx" + maxHeap,
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        try {
            return new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + mainClass + " " + args, e);
        }
    }

    /** SIGKILL and wait until the process is gone. */
    static void kill(Process p) {
        if (p != null && p.isAlive()) {
            p.destroyForcibly();
            awaitExit(p, 20);
        }
    }

    /** SIGTERM (shutdown hooks run) and wait; SIGKILL if it has not ended within 30 s. */
    static void terminate(Process p) {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!awaitExit(p, 30)) {
                kill(p);
            }
        }
    }

    static boolean awaitExit(Process p, int seconds) {
        try {
            return p.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

package cn.xinan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real server process (Mosquitto, InfluxDB) started for tests on loopback, on a free port, with
 * its own data directory, and stopped (process and files; a kept directory stays) on {@link #close()}. The binaries come
 * from Debian packages that {@code .ci/run} installs.
 */
public abstract class ExternalServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    protected final Path dir;
    protected final int port;
    /** Whether the directory is the caller's, kept by {@link #close()}. */
    private final boolean kept;
    private Process process;

    protected ExternalServer(String name) {
        try {
            this.dir = Files.createTempDirectory("xinan-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.port = freePort();
        this.kept = false;
    }

    /** A server over the caller's directory (created when missing): {@link #close()} stops it and keeps the directory. */
    protected ExternalServer(Path keptDir) {
        try {
            this.dir = Files.createDirectories(keptDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + keptDir + ": " + e.getMessage(), e);
        }
        this.port = freePort();
        this.kept = true;
    }

    /** The command line that starts the server in the foreground. */
    protected abstract List<String> command() throws IOException;

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dir;
    }

    /** Starts (or starts again after {@link #stop()}) and waits until the port accepts connections. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            List<String> cmd = command();
            ensureExecutable(cmd.get(0));
            process = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + getClass().getSimpleName(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(getClass().getSimpleName() + " exited with " + process.exitValue()
                        + "; log: " + readLog());
            }
            if (accepts()) {
                return;
            }
            pause(50);
        }
        throw new IllegalStateException(getClass().getSimpleName() + " did not open port " + port + " within "
                + START_TIMEOUT + "; log: " + readLog());
    }

    /**
     * Freezes the process (SIGSTOP): its connections stay open but it reads and answers nothing, as a hung server or a
     * stalled network path does. {@link #resume()}, {@link #kill()} or {@link #stop()} end it.
     */
    public synchronized void pause() {
        signal("STOP");
    }

    /** Lets a {@link #pause() paused} process go on (SIGCONT). */
    public synchronized void resume() {
        signal("CONT");
    }

    /** Through the shell's own {@code kill}: a minimal Debian has no /bin/kill (procps). */
    private void signal(String name) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException(getClass().getSimpleName() + " is not running");
        }
        try {
            int rc = new ProcessBuilder("sh", "-c", "kill -" + name + " " + process.pid()).inheritIO().start().waitFor();
            if (rc != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " exited with " + rc);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not send SIG" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Stops the process abruptly (SIGKILL), keeping its data directory: a crash or power cut. */
    public synchronized void kill() {
        if (process != null) {
            process.destroyForcibly();
            waitFor();
        }
    }

    /** Stops the process gracefully (SIGTERM), keeping its data directory. */
    public synchronized void stop() {
        if (process != null) {
            process.destroy();
            waitFor();
        }
    }

    private void waitFor() {
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public synchronized void close() {
        if (kept) {
            stop();
            return;
        }
        kill();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless; the test result is what matters
        }
    }

    public String readLog() {
        try {
            Path log = dir.resolve("server.log");
            return Files.exists(log) ? Files.readString(log) : "(no log)";
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    private boolean accepts() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A TCP port on the loopback interface that nothing listens on right now, for a test server. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void ensureExecutable(String binary) {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new IllegalStateException(binary + " is not installed: run .ci/run, or apt-get install mosquitto influxdb");
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}

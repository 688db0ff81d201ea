package cn.xinan.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;

/**
 * Where {@code xinan demo} and {@code xinan replay} keep their files: the {@code --work-dir} given (created when
 * missing, kept afterwards), or else a new temporary folder, removed on {@link #close}.
 */
final class WorkDir implements AutoCloseable {
    private final Path path;
    private final boolean temporary;
    private final String command;

    private WorkDir(Path path, boolean temporary, String command) {
        this.path = path;
        this.temporary = temporary;
        this.command = command;
    }

    /** {@code given}, or a new temporary folder {@code xinan-COMMAND-…} when null. */
    static WorkDir open(Path given, String command) throws IOException {
        return given != null ? new WorkDir(Files.createDirectories(given), false, command)
                : new WorkDir(Files.createTempDirectory("xinan-" + command + "-"), true, command);
    }

    Path path() {
        return path;
    }

    /** Removes the temporary folder and everything in it (again: nothing); a {@code --work-dir} stays. */
    @Override
    public void close() {
        if (!temporary || !Files.exists(path)) {
            return;
        }
        try (var files = Files.walk(path)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            System.err.println("xinan " + command + ": could not remove " + path + ": " + e.getMessage());
        }
    }
}

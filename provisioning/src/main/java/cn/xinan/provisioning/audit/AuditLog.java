package cn.xinan.provisioning.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;

/**
 * The append-only audit log: one JSON object per line, e.g.
 * {@code {"at":"2025-03-03T08:00:00Z","action":"sign-in","outcome":"success","user":"wang.li","from":"10.1.2.3"}}.
 * Sign-ins (success and failure), sign-outs, exports and registry or account changes are recorded by the collector
 * and by {@code xinan provision}; both append to the same file (each entry is one write in append mode, so
 * entries of two processes never interleave). The file is only ever opened for appending; it is flushed to disk
 * before {@link #record} returns. Nothing in it identifies a student.
 */
public final class AuditLog {
    private static final JsonFactory JSON = new JsonFactory();
    private final Path file;
    private final Clock clock;

    public AuditLog(Path file, Clock clock) {
        this.file = Objects.requireNonNull(file, "audit log file is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    public Path file() {
        return file;
    }

    /**
     * Appends one entry.
     *
     * @param action  what happened: {@code sign-in}, {@code sign-out}, {@code export}, {@code person-add}, …
     * @param outcome {@code success}, {@code failure}, {@code locked}, …
     * @param details further fields (user, from, reason, …), written in their order; null values are left out
     * @throws UncheckedIOException when the entry cannot be written (the caller must not go on as if it had been)
     */
    public synchronized void record(String action, String outcome, Map<String, String> details) {
        StringWriter line = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("at", clock.instant().toString());
            g.writeStringField("action", action);
            g.writeStringField("outcome", outcome);
            for (Map.Entry<String, String> e : details.entrySet()) {
                if (e.getValue() != null) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the audit log " + file + ": " + e.getMessage(), e);
        }
    }
}

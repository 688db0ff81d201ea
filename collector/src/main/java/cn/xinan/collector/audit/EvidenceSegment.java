package cn.xinan.collector.audit;

import cn.xinan.collector.store.SeqDay;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.rules.RulesEngine;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One room's events of one local day (Asia/Shanghai), pre-encoded for the evidence bundle (docs/audit.md, "Evidence
 * segments"): the exact bytes of the day's {@code events/{room}/{day}.jsonl} and {@code received/{room}/{day}.csv},
 * each raw-deflated at the fastest level with what a ZIP entry needs (CRC-32, sizes) and the SHA-256 the manifest lists,
 * so the bundle copies them instead of reading, encoding and compressing the events again. The {@link #key} names
 * exactly which events it holds: the {@link SeqDay}s of those events (per device its runs of sequence numbers, how many
 * events, the latest receipt), so it is used only when it equals the store's record of the day.
 *
 * <p>A function of the events it holds: any collector replica may write it, and writing it twice changes nothing.
 *
 * @param room the room
 * @param day  the local day
 * @param key  the records of the events held, by device
 */
public record EvidenceSegment(String room, LocalDate day, List<SeqDay> key, Part events, Part received) {
    /** The first line of a segment file. */
    static final String MAGIC = "xinan-evidence-segment-1";
    private static final String SUFFIX = ".seg";
    /** The head is one line of JSON. */
    private static final com.fasterxml.jackson.databind.ObjectMapper HEAD_MAPPER = AuditJson.MAPPER.copy()
            .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);
    /** The order of a day's events in its files: the store's (time, device, sequence number), then the event id. */
    private static final java.util.Comparator<StoredEvent> ORDER = java.util.Comparator
            .comparingLong((StoredEvent e) -> e.event().at().toEpochMilli())
            .thenComparing(e -> e.event().deviceId())
            .thenComparingLong(e -> e.event().seq())
            .thenComparing(StoredEvent::eventId);

    /**
     * One file of the day, deflated.
     *
     * @param deflated the raw-deflated bytes (no zlib header), as a ZIP entry holds them
     * @param crc32    the CRC-32 of the uncompressed bytes
     * @param size     the uncompressed size
     * @param sha256   the hex SHA-256 of the uncompressed bytes
     */
    public record Part(byte[] deflated, long crc32, long size, String sha256) {
        public Part {
            Objects.requireNonNull(deflated, "deflated bytes are missing");
            Objects.requireNonNull(sha256, "sha256 is missing");
        }

        /** Deflates {@code content} (raw, fastest level) and notes its CRC-32, size and SHA-256. */
        static Part of(byte[] content) {
            Deflater deflater = new Deflater(Deflater.BEST_SPEED, true);
            try {
                deflater.setInput(content);
                deflater.finish();
                ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, content.length / 4));
                byte[] buffer = new byte[1 << 15];
                while (!deflater.finished()) {
                    out.write(buffer, 0, deflater.deflate(buffer));
                }
                CRC32 crc = new CRC32();
                crc.update(content);
                return new Part(out.toByteArray(), crc.getValue(), content.length, EvidenceBundle.sha256(content));
            } finally {
                deflater.end();
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Part p && Arrays.equals(deflated, p.deflated) && crc32 == p.crc32 && size == p.size
                    && sha256.equals(p.sha256);
        }

        @Override
        public int hashCode() {
            return Objects.hash(Arrays.hashCode(deflated), crc32, size, sha256);
        }
    }

    /** A segment file that is not one (truncated, changed on disk, or another room's or day's). */
    public static final class CorruptSegmentException extends Exception {
        CorruptSegmentException(String message) {
            super(message);
        }
    }

    public EvidenceSegment {
        Objects.requireNonNull(room, "room is missing");
        Objects.requireNonNull(day, "day is missing");
        key = List.copyOf(key);
        Objects.requireNonNull(events, "events are missing");
        Objects.requireNonNull(received, "received is missing");
    }

    /**
     * The segment of these stored events of {@code room}, all recorded on {@code day}, given in any order: each event's
     * line as the bundle writes it (one wire message with one event and its signature) and its receive time, in the
     * order of time, device, sequence number and event id (the store's order), so the bytes are the same whoever builds
     * them from whichever read.
     */
    public static EvidenceSegment of(String room, LocalDate day, List<StoredEvent> stored) {
        List<StoredEvent> ordered = new ArrayList<>(stored);
        ordered.sort(ORDER);
        ByteArrayOutputStream events = new ByteArrayOutputStream(stored.size() * 320);
        StringBuilder received = new StringBuilder(EvidenceBundle.RECEIVED_HEADER).append('\n');
        for (StoredEvent e : ordered) {
            if (!LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE).equals(day)) {
                throw new IllegalArgumentException("event " + e.eventId() + " of room " + room + " was recorded on "
                        + LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE) + ", not on " + day);
            }
            events.writeBytes(EvidenceBundle.eventLine(e));
            received.append(EvidenceBundle.receivedLine(e));
        }
        return new EvidenceSegment(room, day, SeqDay.of(ordered), Part.of(events.toByteArray()),
                Part.of(received.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** The file of a room's day in {@code dir}: {@code {room}/{yyyy-MM-dd}.seg} (room names as in the bundle). */
    public static Path file(Path dir, String room, LocalDate day) {
        return dir.resolve(EvidenceBundle.safe(room)).resolve(day + SUFFIX);
    }

    /**
     * Writes the segment to {@code dir} through a temporary file in the same folder, renamed over any former one: a
     * reader sees the old segment or the new one, never part of one.
     */
    public void write(Path dir) {
        Path file = file(dir, room, day);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), day.toString(), ".tmp");
            try {
                Files.write(tmp, bytes());
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the evidence segment: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes from {@code dir} the segments of the local days before {@code before} (any room), the temporary files of
     * writes that never finished on those days, and the room folders left empty: the evidence kept no longer than its
     * retention ({@code audit.evidence-retention-days}, docs/audit.md "Evidence segments"). Files that are not named as
     * this class names them are left alone.
     *
     * @return the number of segments deleted
     */
    public static int prune(Path dir, LocalDate before) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int deleted = 0;
        try (java.util.stream.Stream<Path> rooms = Files.list(dir)) {
            for (Path room : rooms.filter(Files::isDirectory).toList()) {
                try (java.util.stream.Stream<Path> files = Files.list(room)) {
                    for (Path file : files.toList()) {
                        Optional<LocalDate> day = dayOf(file.getFileName().toString());
                        if (day.isPresent() && day.get().isBefore(before) && Files.deleteIfExists(file)
                                && file.getFileName().toString().endsWith(SUFFIX)) {
                            deleted++;
                        }
                    }
                }
                try (java.util.stream.Stream<Path> left = Files.list(room)) {
                    if (left.findAny().isEmpty()) {
                        Files.deleteIfExists(room);
                    }
                } catch (java.nio.file.DirectoryNotEmptyException e) {
                    // a segment written meanwhile: the folder stays
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(dir + ": cannot delete the evidence segments before " + before + ": "
                    + e.getMessage(), e);
        }
        return deleted;
    }

    /** The day of a segment file ({@code 2025-03-03.seg}) or of its temporary file ({@code 2025-03-03…tmp}). */
    private static Optional<LocalDate> dayOf(String name) {
        boolean segment = name.length() == 10 + SUFFIX.length() && name.endsWith(SUFFIX);
        boolean unfinished = name.length() > 10 && name.endsWith(".tmp");
        if (!segment && !unfinished) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.parse(name.substring(0, 10)));
        } catch (java.time.format.DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /**
     * The segment of {@code room} on {@code day} in {@code dir}, or empty when there is none.
     *
     * @throws CorruptSegmentException when the file is not an intact segment of that room and day
     */
    public static Optional<EvidenceSegment> read(Path dir, String room, LocalDate day) throws CorruptSegmentException {
        Path file = file(dir, room, day);
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CorruptSegmentException(file + ": cannot be read: " + e.getMessage());
        }
        return Optional.of(parse(file, room, day, content));
    }

    /**
     * The file: the magic line, one line of JSON (room, day, key, and per part its sizes, CRC-32 and SHA-256), the two
     * parts' deflated bytes, and last 8 hex digits and a newline: the CRC-32 of everything before them, so a truncated
     * or changed file is detected.
     */
    byte[] bytes() {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("room", room);
        head.put("day", day.toString());
        List<Object> keys = new ArrayList<>();
        for (SeqDay d : key) {
            Map<String, Object> k = new LinkedHashMap<>();
            k.put("device", d.device());
            k.put("runs", d.encodedRuns());
            k.put("events", d.events());
            k.put("lastReceivedMs", d.lastReceivedMs());
            keys.add(k);
        }
        head.put("key", keys);
        head.put("events", partHead(events));
        head.put("received", partHead(received));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((MAGIC + "\n").getBytes(StandardCharsets.US_ASCII));
        try {
            out.writeBytes(HEAD_MAPPER.writeValueAsBytes(head));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
        out.writeBytes(events.deflated());
        out.writeBytes(received.deflated());
        CRC32 crc = new CRC32();
        crc.update(out.toByteArray());
        out.writeBytes(String.format("%08x\n", crc.getValue()).getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static Map<String, Object> partHead(Part p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("size", p.size());
        m.put("deflated", p.deflated().length);
        m.put("crc32", p.crc32());
        m.put("sha256", p.sha256());
        return m;
    }

    static EvidenceSegment parse(Path file, String room, LocalDate day, byte[] content) throws CorruptSegmentException {
        int n = content.length;
        if (n < MAGIC.length() + 10 || content[n - 1] != '\n') {
            throw new CorruptSegmentException(file + ": truncated (" + n + " bytes, no check sum at the end)");
        }
        CRC32 crc = new CRC32();
        crc.update(content, 0, n - 9);
        String stated = new String(content, n - 9, 8, StandardCharsets.US_ASCII);
        if (!String.format("%08x", crc.getValue()).equals(stated)) {
            throw new CorruptSegmentException(file + ": CRC-32 " + String.format("%08x", crc.getValue())
                    + " differs from the " + stated + " it ends with (truncated or changed on disk)");
        }
        int magicEnd = MAGIC.length();
        if (!new String(content, 0, magicEnd, StandardCharsets.US_ASCII).equals(MAGIC) || content[magicEnd] != '\n') {
            throw new CorruptSegmentException(file + ": not an evidence segment (no " + MAGIC + " line)");
        }
        int headEnd = magicEnd + 1;
        while (headEnd < n - 9 && content[headEnd] != '\n') {
            headEnd++;
        }
        try {
            JsonNode head = AuditJson.MAPPER.readTree(Arrays.copyOfRange(content, magicEnd + 1, headEnd));
            if (!room.equals(AuditJson.text(head, "room")) || !day.toString().equals(AuditJson.text(head, "day"))) {
                throw new CorruptSegmentException(file + ": holds room " + head.path("room").asText() + " on "
                        + head.path("day").asText() + ", not room " + room + " on " + day);
            }
            List<SeqDay> key = new ArrayList<>();
            for (JsonNode k : AuditJson.field(head, "key")) {
                key.add(SeqDay.decode(AuditJson.text(k, "device"), day, AuditJson.text(k, "runs"),
                        AuditJson.field(k, "events").asLong(), AuditJson.field(k, "lastReceivedMs").asLong()));
            }
            JsonNode ev = AuditJson.field(head, "events");
            JsonNode re = AuditJson.field(head, "received");
            int eventsLength = Math.toIntExact(AuditJson.field(ev, "deflated").asLong());
            int receivedLength = Math.toIntExact(AuditJson.field(re, "deflated").asLong());
            int start = headEnd + 1;
            if ((long) start + eventsLength + receivedLength != n - 9L) {
                throw new CorruptSegmentException(file + ": holds " + (n - 9 - start) + " bytes of deflated files, not the "
                        + ((long) eventsLength + receivedLength) + " its head states");
            }
            return new EvidenceSegment(room, day, key,
                    part(ev, Arrays.copyOfRange(content, start, start + eventsLength)),
                    part(re, Arrays.copyOfRange(content, start + eventsLength, start + eventsLength + receivedLength)));
        } catch (IOException | IllegalArgumentException | ArithmeticException e) {
            throw new CorruptSegmentException(file + ": not an evidence segment: " + e.getMessage());
        }
    }

    private static Part part(JsonNode head, byte[] deflated) {
        return new Part(deflated, AuditJson.field(head, "crc32").asLong(), AuditJson.field(head, "size").asLong(),
                AuditJson.text(head, "sha256"));
    }
}

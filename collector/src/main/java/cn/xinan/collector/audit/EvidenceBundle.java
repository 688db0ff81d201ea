package cn.xinan.collector.audit;

import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.wire.EventBatch;
import cn.xinan.wire.WireCodec;

import org.apache.commons.compress.archivers.zip.Zip64Mode;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.time.Instant;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The evidence bundle of an audit (docs/audit.md): one ZIP archive with the report, every signed event behind
 * it in the wire encoding, the devices' public keys, the calendars and rule settings used, and a manifest of
 * every file's SHA-256 signed by the collector's key. {@code xinan verify} checks it offline.
 */
public final class EvidenceBundle {
    /** The bundle format with one events file per room, stated in the manifest. */
    public static final String FORMAT = "xinan-audit-bundle-2";
    /** The bundle format with one events file per room and day, copied from evidence segments ({@link #writeByDay}). */
    public static final String FORMAT_BY_DAY = "xinan-audit-bundle-3";
    public static final String MANIFEST = "manifest.json";
    public static final String MANIFEST_SIGNATURE = "manifest.sig";
    public static final String COLLECTOR_KEY = "collector-key.pub";
    public static final String REPORT = "report.json";
    public static final String REPORT_CSV = "report.csv";
    public static final String RULE = "rule.json";
    public static final String DEVICE_KEYS = "keys/devices.csv";
    public static final String REPORT_PDF = "report.pdf";
    /** Every key each device had, with its period: {@code from} inclusive, {@code until} exclusive, empty for open. */
    public static final String DEVICE_KEYS_HEADER = "device,publicKey,from,until";
    /** The header of the first bundles, one current key per device: still read. */
    public static final String DEVICE_KEYS_HEADER_V1 = "device,room,publicKey";
    public static final String RECEIVED_HEADER = "eventId,receivedAt";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    private EvidenceBundle() {
    }

    /** The archive path of a room's events. */
    public static String eventsFile(String room) {
        return "events/" + safe(room) + ".jsonl";
    }

    /** The archive path of the times a room's events were received. */
    public static String receivedFile(String room) {
        return "received/" + safe(room) + ".csv";
    }

    /** The folder of a room's events by day in a bundle of format 3: {@code events/{room}/}. */
    public static String eventsFolder(String room) {
        return "events/" + safe(room) + "/";
    }

    /** The folder of the times a room's events were received, by day, in a bundle of format 3: {@code received/{room}/}. */
    public static String receivedFolder(String room) {
        return "received/" + safe(room) + "/";
    }

    /** The archive path of a room's events recorded on a local day (format 3). */
    public static String eventsFile(String room, java.time.LocalDate day) {
        return eventsFolder(room) + day + ".jsonl";
    }

    /** The archive path of the times a room's events of a local day were received (format 3). */
    public static String receivedFile(String room, java.time.LocalDate day) {
        return receivedFolder(room) + day + ".csv";
    }

    /** The archive path of a school's calendar. */
    public static String calendarFile(String school) {
        return "calendars/" + safe(school) + ".json";
    }

    /** {@code name} when it is a safe file name in the bundle (and in the evidence directory), else refused. */
    static String safe(String name) {
        if (!SAFE_NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new IllegalArgumentException("'" + name + "' cannot be a file name in the bundle");
        }
        return name;
    }

    /**
     * Writes the bundle to {@code file} (through a temporary file in the same folder, then renamed).
     *
     * @param pdf the 台帐's renderer, or empty for a bundle without {@code report.pdf} (no font)
     */
    public static void write(AuditService.Evidence evidence, CollectorKey key, Optional<AuditPdf> pdf, Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    write(evidence, key, pdf, out);
                }
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": cannot write the evidence bundle: " + e.getMessage(), e);
        }
    }

    /**
     * Writes the bundle as a ZIP archive to {@code out} (not closed) as it is produced: the report and its renderings,
     * the rule settings, keys and calendars, then each room's events as {@link AuditService.Evidence#events()} hands
     * them over (written and forgotten one by one; only the room's receive times are held until its events are
     * written), then the collector's public key, and last the manifest of every file's size and SHA-256 (computed while
     * writing) with its signature. Memory does not grow with the scope beyond the report and one room's receive times.
     */
    public static void write(AuditService.Evidence evidence, CollectorKey key, Optional<AuditPdf> pdf, OutputStream out)
            throws IOException {
        Objects.requireNonNull(evidence, "evidence is missing");
        Objects.requireNonNull(key, "collector key is missing");
        Objects.requireNonNull(pdf, "pdf is missing (use Optional.empty())");
        AuditReport report = evidence.report();
        java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
        ZipOutputStream zip = new ZipOutputStream(buffered, StandardCharsets.UTF_8);
        // the events are most of the bundle (2.9 MB a room-term of repetitive JSON): deflated at the fastest level
        zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
        List<Object> listed = new ArrayList<>();
        Sink sink = (name, content, list) -> put(zip, name, content, list);
        writeHead(evidence, key, pdf, sink, listed);
        for (AuditRoom room : report.rooms()) {
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            received.write((RECEIVED_HEADER + "\n").getBytes(StandardCharsets.UTF_8));
            Entry events = new Entry(zip, eventsFile(room.room().roomId()));
            try {
                evidence.events().forEach(room, e -> {
                    try {
                        events.write(eventLine(e));
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                    received.writeBytes(receivedLine(e).getBytes(StandardCharsets.UTF_8));
                });
            } catch (UncheckedIOException x) {
                throw x.getCause();
            }
            events.close(listed);
            put(zip, receivedFile(room.room().roomId()), received.toByteArray(), listed);
        }
        writeTail(FORMAT, report, key, sink, listed);
        zip.finish();
        buffered.flush();
    }

    /**
     * Writes the bundle in format 3 ({@value #FORMAT_BY_DAY}) to {@code out} (not closed): as {@link #write(AuditService.Evidence,
     * CollectorKey, Optional, OutputStream)}, but each room's events and receive times are one file per local day,
     * {@code events/{room}/{yyyy-MM-dd}.jsonl} and {@code received/{room}/{yyyy-MM-dd}.csv}, whose deflated bytes are
     * copied from the day's {@link EvidenceSegment} (read from {@code segments} when it holds exactly the events the
     * report lists for the day, else built from the stored events and written there; docs/audit.md, "Evidence
     * segments"). Nothing is compressed twice; the manifest takes each day file's size and SHA-256 from its segment.
     *
     * @param segments the evidence directory, or empty to build every segment in memory and keep none
     * @return how many segments were copied, built, and found corrupt (and rebuilt)
     */
    public static AuditService.SegmentUse writeByDay(AuditService.Evidence evidence, CollectorKey key, Optional<AuditPdf> pdf,
                                                     Optional<Path> segments, OutputStream out) throws IOException {
        Objects.requireNonNull(evidence, "evidence is missing");
        Objects.requireNonNull(key, "collector key is missing");
        Objects.requireNonNull(pdf, "pdf is missing (use Optional.empty())");
        Objects.requireNonNull(segments, "segments are missing (use Optional.empty())");
        AuditReport report = evidence.report();
        java.io.BufferedOutputStream buffered = new java.io.BufferedOutputStream(out, 1 << 16);
        ZipArchiveOutputStream zip = archive(buffered);
        Sink sink = new Sink() {
            @Override
            public void put(String name, byte[] content, List<Object> listed) throws IOException {
                ZipArchiveEntry entry =
                        new ZipArchiveEntry(name);
                entry.setMethod(ZipEntry.DEFLATED);
                zip.putArchiveEntry(entry);
                zip.write(content);
                zip.closeArchiveEntry();
                if (listed != null) {
                    listed.add(listing(name, content.length, sha256(content)));
                }
            }
        };
        List<Object> listed = new ArrayList<>();
        writeHead(evidence, key, pdf, sink, listed);
        AuditService.SegmentUse use = new AuditService.SegmentUse();
        for (AuditRoom room : report.rooms()) {
            String roomId = room.room().roomId();
            try {
                evidence.days().forEach(room, segments, use, segment -> {
                    try {
                        copy(zip, eventsFile(roomId, segment.day()), segment.events(), listed);
                        copy(zip, receivedFile(roomId, segment.day()), segment.received(), listed);
                    } catch (IOException x) {
                        throw new UncheckedIOException(x);
                    }
                });
            } catch (UncheckedIOException x) {
                throw x.getCause();
            }
        }
        writeTail(FORMAT_BY_DAY, report, key, sink, listed);
        zip.finish();
        buffered.flush();
        return use;
    }

    /** The archive of format 3 on {@code out}: UTF-8 names, fastest deflate level, ZIP64 where needed. */
    static ZipArchiveOutputStream archive(OutputStream out) {
        ZipArchiveOutputStream zip =
                new ZipArchiveOutputStream(out);
        zip.setEncoding(StandardCharsets.UTF_8.name());
        // a city's bundle can have more than 65,535 files: the ZIP64 end of the central directory where needed
        zip.setUseZip64(Zip64Mode.AsNeeded);
        zip.setLevel(java.util.zip.Deflater.BEST_SPEED);
        return zip;
    }

    /** Copies a segment's deflated file into the archive as it is, listing its size and SHA-256. */
    static void copy(ZipArchiveOutputStream zip, String name,
                             EvidenceSegment.Part part, List<Object> listed) throws IOException {
        ZipArchiveEntry entry =
                new ZipArchiveEntry(name);
        entry.setMethod(ZipEntry.DEFLATED);
        entry.setSize(part.size());
        entry.setCompressedSize(part.deflated().length);
        entry.setCrc(part.crc32());
        zip.addRawArchiveEntry(entry, new java.io.ByteArrayInputStream(part.deflated()));
        listed.add(listing(name, part.size(), part.sha256()));
    }

    private static Map<String, Object> listing(String name, long bytes, String sha256) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("path", name);
        entry.put("bytes", bytes);
        entry.put("sha256", sha256);
        return entry;
    }

    /** Where the files of either format go: a whole file, listed in {@code listed} unless null. */
    private interface Sink {
        void put(String name, byte[] content, List<Object> listed) throws IOException;
    }

    /** The report and its renderings, the rule settings, the device keys and the calendars. */
    private static void writeHead(AuditService.Evidence evidence, CollectorKey key, Optional<AuditPdf> pdf, Sink zip,
                                  List<Object> listed) throws IOException {
        AuditReport report = evidence.report();
        zip.put(REPORT, AuditJson.toJson(report).getBytes(StandardCharsets.UTF_8), listed);
        zip.put(REPORT_CSV, AuditCsv.bytes(report), listed);
        if (pdf.isPresent()) {
            zip.put(REPORT_PDF, pdf.get().render(report, evidence.schoolNames(), key.publicKey()), listed);
        }
        zip.put(RULE, AuditJson.write(Map.of("rule", AuditJson.ruleTree(report.settings()))).getBytes(StandardCharsets.UTF_8),
                listed);
        StringBuilder keys = new StringBuilder(DEVICE_KEYS_HEADER).append('\n');
        for (DeviceHistory d : evidence.keys()) {
            for (int i = 0; i < d.keys().size(); i++) {
                Optional<Instant> until = i + 1 < d.keys().size() ? d.keys().get(i + 1).from() : d.retiredAt();
                keys.append(d.deviceId()).append(',').append(d.keys().get(i).key().toBase64()).append(',')
                        .append(d.keys().get(i).from().map(Instant::toString).orElse("")).append(',')
                        .append(until.map(Instant::toString).orElse("")).append('\n');
            }
        }
        zip.put(DEVICE_KEYS, keys.toString().getBytes(StandardCharsets.UTF_8), listed);
        for (AuditService.ResolvedCalendar c : evidence.calendars()) {
            Map<String, Object> tree = new LinkedHashMap<>();
            tree.put("school", c.school());
            tree.put("first", c.first().toString());
            tree.put("last", c.end().minusDays(1).toString());
            tree.put("schoolDays", c.schoolDays().stream().map(Object::toString).toList());
            zip.put(calendarFile(c.school()), AuditJson.write(tree).getBytes(StandardCharsets.UTF_8), listed);
        }
    }

    /** The collector's public key, then the manifest of every file listed and its signature. */
    private static void writeTail(String format, AuditReport report, CollectorKey key, Sink zip, List<Object> listed)
            throws IOException {
        zip.put(COLLECTOR_KEY, (key.publicKey().toBase64() + "\n").getBytes(StandardCharsets.US_ASCII), listed);
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("format", format);
        manifest.put("createdAt", report.generatedAt().toString());
        manifest.put("collectorKey", key.publicKey().toBase64());
        manifest.put("signature", "Ed25519 over the exact bytes of " + MANIFEST + ", Base64 in " + MANIFEST_SIGNATURE);
        manifest.put("files", listed);
        byte[] manifestBytes = AuditJson.write(manifest).getBytes(StandardCharsets.UTF_8);
        zip.put(MANIFEST, manifestBytes, null);
        zip.put(MANIFEST_SIGNATURE, (Base64.getEncoder().encodeToString(key.sign(manifestBytes)) + "\n")
                .getBytes(StandardCharsets.US_ASCII), null);
    }

    /** A stored event's line in an events file: one wire message with the event and its signature, then a newline. */
    static byte[] eventLine(StoredEvent e) {
        byte[] message = WireCodec.encode(new EventBatch(e.event().deviceId(), List.of(e.signed()), null));
        byte[] line = Arrays.copyOf(message, message.length + 1);
        line[message.length] = '\n';
        return line;
    }

    /** A stored event's line in a received file: {@code eventId,receivedAt} and a newline. */
    static String receivedLine(StoredEvent e) {
        return e.eventId() + "," + e.receivedAt() + "\n";
    }

    /** Writes a whole file, listing its size and SHA-256 in {@code listed} (unless null: the manifest and its signature). */
    private static void put(ZipOutputStream zip, String name, byte[] content, List<Object> listed) throws IOException {
        Entry entry = new Entry(zip, name);
        entry.write(content);
        if (listed == null) {
            zip.closeEntry();
        } else {
            entry.close(listed);
        }
    }

    /** One file of the archive being written, its SHA-256 and size computed from the bytes as they pass. */
    private static final class Entry {
        private final ZipOutputStream zip;
        private final String name;
        private final MessageDigest digest;
        private long bytes;

        Entry(ZipOutputStream zip, String name) throws IOException {
            this.zip = zip;
            this.name = name;
            this.digest = newSha256();
            zip.putNextEntry(new ZipEntry(name));
        }

        void write(byte[] content) throws IOException {
            zip.write(content);
            digest.update(content);
            bytes += content.length;
        }

        void write(int b) throws IOException {
            zip.write(b);
            digest.update((byte) b);
            bytes++;
        }

        /** Closes the entry and lists it in the manifest's files. */
        void close(List<Object> listed) throws IOException {
            zip.closeEntry();
            listed.add(listing(name, bytes, HexFormat.of().formatHex(digest.digest())));
        }
    }

    static String sha256(byte[] content) {
        return HexFormat.of().formatHex(newSha256().digest(content));
    }

    /** A new SHA-256 digest, the hash of every file in the manifest. */
    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}

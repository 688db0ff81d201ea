package cn.xinan.collector.audit;

import cn.xinan.event.DeviceEvent;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.ComplianceRate;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.wire.EventBatch;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.SignatureVerifier;
import cn.xinan.wire.SignedEvent;
import cn.xinan.wire.WireCodec;
import cn.xinan.wire.WireFormatException;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Checks an evidence bundle offline (docs/audit.md, {@code xinan verify}): the manifest's signature by the
 * collector key, every file's SHA-256, every event's signature with its device's key, the report's events
 * against its evidence list, and every figure recomputed with the rules engine from the verified events, the
 * bundled calendars and the bundled rule settings. Every difference is named.
 */
public final class BundleVerifier {
    /** Files larger than this are refused (a city term bundle is far smaller). */
    static final long MAX_FILE_BYTES = 2L << 30;
    private static final int MAX_NAMED = 20;

    private final List<String> lines = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();
    private final Archive archive;
    /** The files the manifest lists, in its order: path and stated SHA-256. */
    private final List<Map.Entry<String, String>> listed = new ArrayList<>();
    /** Listed files whose SHA-256 is computed when they are read for a room (events and receive times). */
    private final Set<String> pending = new HashSet<>();
    /** The SHA-256 of each listed file read so far. */
    private final Map<String, String> hashes = new java.util.HashMap<>();
    /** Where the result of the manifest's file check goes among the lines and problems, or -1 when not checked. */
    private int fileCheckLine = -1;
    private int fileCheckProblem = -1;
    /** Whether the bundle has one events file per room and day ({@value EvidenceBundle#FORMAT_BY_DAY}). */
    private boolean byDay;

    private BundleVerifier(Archive archive) {
        this.archive = archive;
    }

    /**
     * The outcome.
     *
     * @param lines    everything checked, in order, for the inspector
     * @param problems every difference found (also among the lines); empty when everything matches
     */
    public record Result(List<String> lines, List<String> problems) {
        public Result {
            lines = List.copyOf(lines);
            problems = List.copyOf(problems);
        }

        public boolean matches() {
            return problems.isEmpty();
        }
    }

    /** A file that is not a readable bundle at all: not a ZIP archive, or without a readable manifest. */
    public static final class UnreadableBundleException extends Exception {
        public UnreadableBundleException(String message) {
            super(message);
        }
    }

    /**
     * Verifies {@code bundle}, reading it as it goes (docs/audit.md, "Verifying a bundle"): the archive stays open, the
     * small files are read whole when they are needed, and each room's events and receive times are read line by line
     * when the room is checked, their SHA-256 computed against the manifest's as they pass. Memory holds the report and
     * one room's events, whatever the number of rooms.
     *
     * @param pinnedCollectorKey the collector key the inspector expects, or empty to accept the bundle's own
     *                           (then only the key printed in the result ties it to a collector)
     * @throws UnreadableBundleException when the file cannot be read as a bundle
     */
    public static Result verify(Path bundle, Optional<Ed25519Keys.PublicKey> pinnedCollectorKey)
            throws UnreadableBundleException {
        try (Archive archive = Archive.open(bundle)) {
            BundleVerifier v = new BundleVerifier(archive);
            v.run(bundle, pinnedCollectorKey);
            v.hashTheRest();
            return new Result(v.lines, v.problems);
        } catch (UncheckedIOException e) {
            throw new UnreadableBundleException(bundle + ": not a readable ZIP archive: " + e.getCause().getMessage());
        }
    }

    /**
     * The bundle's archive, open while it is verified: its entries by name (from the central directory), and the small
     * files read whole when first asked for. An archive whose data cannot be read fails with an {@link
     * UncheckedIOException} (the bundle is then unreadable).
     */
    private static final class Archive implements AutoCloseable {
        private final ZipFile zip;
        private final Map<String, ZipEntry> entries;
        private final Map<String, byte[]> held = new java.util.HashMap<>();

        private Archive(ZipFile zip, Map<String, ZipEntry> entries) {
            this.zip = zip;
            this.entries = entries;
        }

        static Archive open(Path bundle) throws UnreadableBundleException {
            ZipFile zip;
            try {
                zip = new ZipFile(bundle.toFile(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UnreadableBundleException(bundle + ": not a readable ZIP archive: " + e.getMessage());
            }
            try {
                Map<String, ZipEntry> entries = new LinkedHashMap<>();
                Enumeration<? extends ZipEntry> all = zip.entries();
                while (all.hasMoreElements()) {
                    ZipEntry entry = all.nextElement();
                    if (entry.isDirectory()) {
                        continue;
                    }
                    if (entry.getSize() > MAX_FILE_BYTES) {
                        throw new UnreadableBundleException(bundle + ": " + entry.getName() + " is larger than "
                                + MAX_FILE_BYTES + " bytes");
                    }
                    if (entries.put(entry.getName(), entry) != null) {
                        throw new UnreadableBundleException(bundle + ": " + entry.getName() + " is in the archive twice");
                    }
                }
                Archive archive = new Archive(zip, entries);
                if (!entries.containsKey(EvidenceBundle.MANIFEST)) {
                    throw new UnreadableBundleException(bundle + ": no " + EvidenceBundle.MANIFEST + " (not an evidence bundle)");
                }
                archive.bytes(EvidenceBundle.MANIFEST);
                return archive;
            } catch (UnreadableBundleException | RuntimeException e) {
                closeQuietly(zip);
                if (e instanceof UncheckedIOException io) {
                    throw new UnreadableBundleException(bundle + ": not a readable ZIP archive: " + io.getCause().getMessage());
                }
                throw e;
            }
        }

        private static void closeQuietly(ZipFile zip) {
            try {
                zip.close();
            } catch (IOException ignored) {
                // the bundle is refused anyway
            }
        }

        Set<String> names() {
            return entries.keySet();
        }

        boolean has(String name) {
            return entries.containsKey(name);
        }

        /** A small file's content, read whole and kept; null when the archive does not have it. */
        byte[] bytes(String name) {
            ZipEntry entry = entries.get(name);
            if (entry == null) {
                return null;
            }
            return held.computeIfAbsent(name, n -> {
                try (InputStream in = zip.getInputStream(entry)) {
                    return in.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }

        /** A stream of a file's content (the caller closes it); the file must be in the archive. */
        InputStream stream(String name) {
            try {
                return new java.io.BufferedInputStream(zip.getInputStream(Objects.requireNonNull(entries.get(name), name)),
                        1 << 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            closeQuietly(zip);
        }
    }

    /** Receives the lines of a file, numbered from 1. */
    private interface LineSink {
        void line(int lineNo, String line);
    }

    /**
     * Reads {@code name} line by line ({@code \n}-separated; a last line without one included, trailing empty lines
     * not), each decoded as UTF-8, computing its SHA-256 on the way when the manifest's check of the file is still
     * pending; only one line is held at a time.
     */
    private void readLines(String name, LineSink sink) {
        MessageDigest digest = pending.contains(name) ? EvidenceBundle.newSha256() : null;
        try (InputStream in = archive.stream(name)) {
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(512);
            int lineNo = 0;
            byte[] buffer = new byte[1 << 16];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                if (digest != null) {
                    digest.update(buffer, 0, n);
                }
                int start = 0;
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        line.write(buffer, start, i - start);
                        sink.line(++lineNo, line.toString(StandardCharsets.UTF_8));
                        line.reset();
                        start = i + 1;
                    }
                }
                line.write(buffer, start, n - start);
            }
            if (line.size() > 0) {
                sink.line(++lineNo, line.toString(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (digest != null) {
            hashed(name, HexFormat.of().formatHex(digest.digest()));
        }
    }

    /** Streams {@code name} through SHA-256 without keeping it. */
    private String hashStreamed(String name) {
        MessageDigest digest = EvidenceBundle.newSha256();
        try (InputStream in = new DigestInputStream(archive.stream(name), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private void ok(String line) {
        lines.add(line);
    }

    private void problem(String line) {
        lines.add("MISMATCH " + line);
        problems.add(line);
    }

    private void run(Path bundle, Optional<Ed25519Keys.PublicKey> pinned) throws UnreadableBundleException {
        ok("bundle " + bundle);
        JsonNode manifest;
        try {
            manifest = AuditJson.MAPPER.readTree(archive.bytes(EvidenceBundle.MANIFEST));
            AuditJson.field(manifest, "files");
        } catch (IOException | IllegalArgumentException e) {
            throw new UnreadableBundleException(bundle + ": " + EvidenceBundle.MANIFEST + " is not a manifest: " + e.getMessage());
        }
        byDay = EvidenceBundle.FORMAT_BY_DAY.equals(manifest.path("format").asText());
        checkManifest(manifest, pinned);

        Optional<RuleSettings> settings = readRule();
        Map<String, List<KeyPeriod>> keys = readKeys();
        JsonNode report;
        try {
            report = AuditJson.MAPPER.readTree(Objects.requireNonNull(archive.bytes(EvidenceBundle.REPORT),
                    EvidenceBundle.REPORT + " is missing"));
        } catch (IOException | NullPointerException e) {
            problem(EvidenceBundle.REPORT + ": cannot be read (" + e.getMessage() + "): no figure can be checked");
            return;
        }
        settings.ifPresent(s -> compareRule(report, s));
        if (settings.isEmpty()) {
            problem("no usable rule settings: the figures cannot be recomputed");
            return;
        }
        try {
            checkRooms(report, settings.get(), keys);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            problem(EvidenceBundle.REPORT + ": " + e.getMessage() + ": the figures cannot be recomputed");
        }
    }

    /**
     * Checks the manifest's signature and notes the files it lists. Each listed file's SHA-256 is computed now, except
     * the rooms' events and receive times, hashed as they are read for their room; the outcome of the file check takes
     * its place among the lines when every file has been hashed ({@link #hashTheRest()}).
     */
    private void checkManifest(JsonNode manifest, Optional<Ed25519Keys.PublicKey> pinned) {
        Ed25519Keys.PublicKey collectorKey;
        try {
            collectorKey = Ed25519Keys.publicKeyFromBase64(AuditJson.text(manifest, "collectorKey"));
        } catch (IllegalArgumentException e) {
            problem(EvidenceBundle.MANIFEST + ": collectorKey: " + e.getMessage() + ": the manifest cannot be checked");
            return;
        }
        ok("collector key " + collectorKey.toBase64() + " (compare it with the key in the collector's log)");
        if (pinned.isPresent() && !pinned.get().equals(collectorKey)) {
            problem("the bundle is signed with collector key " + collectorKey.toBase64() + ", not the expected "
                    + pinned.get().toBase64());
        }
        byte[] pub = archive.bytes(EvidenceBundle.COLLECTOR_KEY);
        if (pub == null || !new String(pub, StandardCharsets.US_ASCII).trim().equals(collectorKey.toBase64())) {
            problem(EvidenceBundle.COLLECTOR_KEY + " is not the manifest's collectorKey");
        }
        byte[] sig = archive.bytes(EvidenceBundle.MANIFEST_SIGNATURE);
        boolean signed = false;
        if (sig != null) {
            try {
                signed = CollectorKey.verify(collectorKey, archive.bytes(EvidenceBundle.MANIFEST),
                        Base64.getDecoder().decode(new String(sig, StandardCharsets.US_ASCII).trim()));
            } catch (IllegalArgumentException e) {
                signed = false;
            }
        }
        if (signed) {
            ok("manifest signature verifies with the collector key");
        } else {
            problem(EvidenceBundle.MANIFEST_SIGNATURE + ": the manifest's signature does not verify with collector key "
                    + collectorKey.toBase64() + " (the manifest was changed, or not signed by this collector)");
        }
        for (JsonNode f : manifest.get("files")) {
            String path = f.path("path").asText();
            listed.add(Map.entry(path, f.path("sha256").asText()));
            if (!archive.has(path) || hashes.containsKey(path) || pending.contains(path)) {
                continue;
            }
            if (path.startsWith("events/") || path.startsWith("received/")) {
                pending.add(path);
            } else if (path.equals(EvidenceBundle.REPORT_PDF) || path.equals(EvidenceBundle.REPORT_CSV)) {
                hashes.put(path, hashStreamed(path));
            } else {
                hashes.put(path, EvidenceBundle.sha256(archive.bytes(path)));
            }
        }
        fileCheckLine = lines.size();
        fileCheckProblem = problems.size();
    }

    /** Records the SHA-256 of a listed file computed while it was read. */
    private void hashed(String path, String sha256) {
        pending.remove(path);
        hashes.put(path, sha256);
    }

    /**
     * Hashes the listed files not read for a room (a room the report does not have, or one whose check stopped early),
     * then puts the outcome of the manifest's file check where the manifest was checked: each file removed, changed
     * or added, then how many match.
     */
    private void hashTheRest() {
        if (fileCheckLine < 0) {
            return;
        }
        for (String path : List.copyOf(pending)) {
            hashed(path, hashStreamed(path));
        }
        List<String> found = new ArrayList<>();
        Set<String> named = new HashSet<>(List.of(EvidenceBundle.MANIFEST, EvidenceBundle.MANIFEST_SIGNATURE));
        int matching = 0;
        for (Map.Entry<String, String> f : listed) {
            String path = f.getKey();
            named.add(path);
            if (!archive.has(path)) {
                found.add(path + ": listed in the manifest but missing from the bundle (removed)");
            } else if (!hashes.get(path).equals(f.getValue())) {
                found.add(path + ": SHA-256 differs from the manifest (the file was changed after signing)");
            } else {
                matching++;
            }
        }
        for (String path : archive.names()) {
            if (!named.contains(path)) {
                found.add(path + ": in the bundle but not in the manifest (added after signing)");
            }
        }
        List<String> section = new ArrayList<>();
        for (String p : found) {
            section.add("MISMATCH " + p);
        }
        section.add("files: " + matching + " of " + listed.size() + " match the manifest's SHA-256");
        lines.addAll(fileCheckLine, section);
        problems.addAll(fileCheckProblem, found);
    }

    private Optional<RuleSettings> readRule() {
        byte[] rule = archive.bytes(EvidenceBundle.RULE);
        if (rule == null) {
            problem(EvidenceBundle.RULE + " is missing");
            return Optional.empty();
        }
        try {
            RuleSettings settings = AuditJson.readRule(AuditJson.field(AuditJson.MAPPER.readTree(rule), "rule"));
            ok("rule settings (" + EvidenceBundle.RULE + "): version " + settings.ruleVersion() + ", week policy "
                    + settings.weekPolicy().wireName() + ", unattended gap " + settings.unattendedGapSeconds() + " s, "
                    + thresholds(settings));
            return Optional.of(settings);
        } catch (IOException | IllegalArgumentException e) {
            problem(EvidenceBundle.RULE + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private static String thresholds(RuleSettings settings) {
        List<String> out = new ArrayList<>();
        for (Tier tier : Tier.values()) {
            out.add(tier.chineseName() + " " + settings.thresholdsFor(tier).dailySeconds() + " s/day "
                    + settings.thresholdsFor(tier).weeklySeconds() + " s/week");
        }
        return String.join(", ", out);
    }

    private void compareRule(JsonNode report, RuleSettings settings) {
        JsonNode stated = report.get("rule");
        JsonNode used = AuditJson.node(AuditJson.ruleTree(settings));
        if (stated == null) {
            problem(EvidenceBundle.REPORT + " states no rule settings");
        } else if (!stated.equals(used)) {
            List<String> diffs = new ArrayList<>();
            diff("rule", stated, used, diffs);
            problem(EvidenceBundle.REPORT + "'s rule settings differ from " + EvidenceBundle.RULE + ": " + String.join("; ", diffs));
        }
    }

    private static void diff(String at, JsonNode a, JsonNode b, List<String> out) {
        if (a != null && b != null && a.isObject() && b.isObject()) {
            Set<String> names = new TreeSet<>();
            a.fieldNames().forEachRemaining(names::add);
            b.fieldNames().forEachRemaining(names::add);
            for (String n : names) {
                diff(at + "." + n, a.get(n), b.get(n), out);
            }
        } else if (a != null && b != null && a.isArray() && b.isArray()) {
            for (int i = 0; i < Math.max(a.size(), b.size()); i++) {
                diff(at + "[" + i + "]", a.get(i), b.get(i), out);
            }
        } else if (!Objects.equals(a, b)) {
            out.add(at + " " + a + " vs " + b);
        }
    }

    /** One key of a device with the period it was valid in: {@code from} inclusive, {@code until} exclusive. */
    record KeyPeriod(Ed25519Keys.PublicKey key, Optional<Instant> from, Optional<Instant> until) {
        boolean covers(Instant at) {
            return (from.isEmpty() || !at.isBefore(from.get())) && (until.isEmpty() || at.isBefore(until.get()));
        }

        String period() {
            return "valid " + from.map(f -> "from " + f).orElse("from the start") + " "
                    + until.map(u -> "until " + u).orElse("on");
        }
    }

    private Map<String, List<KeyPeriod>> readKeys() {
        Map<String, List<KeyPeriod>> keys = new TreeMap<>();
        byte[] csv = archive.bytes(EvidenceBundle.DEVICE_KEYS);
        if (csv == null) {
            problem(EvidenceBundle.DEVICE_KEYS + " is missing: no event signature can be checked");
            return keys;
        }
        String[] rows = new String(csv, StandardCharsets.UTF_8).split("\n");
        boolean v1 = rows.length > 0 && rows[0].strip().equals(EvidenceBundle.DEVICE_KEYS_HEADER_V1);
        int total = 0;
        for (int i = 1; i < rows.length; i++) {
            if (rows[i].isBlank()) {
                continue;
            }
            String[] f = rows[i].split(",", -1);
            try {
                if (v1) {
                    if (f.length != 3) {
                        throw new IllegalArgumentException("expected 3 fields (" + EvidenceBundle.DEVICE_KEYS_HEADER_V1 + ")");
                    }
                    keys.computeIfAbsent(f[0], d -> new ArrayList<>()).add(new KeyPeriod(
                            Ed25519Keys.publicKeyFromBase64(f[2]), Optional.empty(), Optional.empty()));
                } else {
                    if (f.length != 4) {
                        throw new IllegalArgumentException("expected 4 fields (" + EvidenceBundle.DEVICE_KEYS_HEADER + ")");
                    }
                    keys.computeIfAbsent(f[0], d -> new ArrayList<>()).add(new KeyPeriod(
                            Ed25519Keys.publicKeyFromBase64(f[1]), instant(f[2]), instant(f[3])));
                }
                total++;
            } catch (IllegalArgumentException | DateTimeParseException e) {
                problem(EvidenceBundle.DEVICE_KEYS + " line " + (i + 1) + ": " + e.getMessage());
            }
        }
        ok("device keys: " + total + " of " + keys.size() + " devices");
        for (Map.Entry<String, List<KeyPeriod>> d : keys.entrySet()) {
            for (int k = 1; k < d.getValue().size(); k++) {
                ok("device " + d.getKey() + ": key replaced at " + d.getValue().get(k).from().map(Instant::toString).orElse("?")
                        + " (" + d.getValue().get(k - 1).key().toBase64() + " -> " + d.getValue().get(k).key().toBase64()
                        + "): each event is checked with the key valid at its time");
            }
        }
        return keys;
    }

    private static Optional<Instant> instant(String text) {
        return text.isBlank() ? Optional.empty() : Optional.of(Instant.parse(text.strip()));
    }

    /** Event id → receive time from {@code received/{room}.csv}; empty (and named) when the file is missing or bad. */
    private Map<String, Instant> readReceived(String roomId) {
        Map<String, Instant> out = new java.util.HashMap<>();
        if (byDay) {
            for (String path : dayFiles(EvidenceBundle.receivedFolder(roomId), ".csv")) {
                readReceived(path, out);
            }
            return out;
        }
        String path = EvidenceBundle.receivedFile(roomId);
        if (!archive.has(path)) {
            problem("room " + roomId + ": " + path + " is missing: late events cannot be recomputed");
            return out;
        }
        readReceived(path, out);
        return out;
    }

    /** The files of a room's days in {@code folder} (format 3), in day order. */
    private List<String> dayFiles(String folder, String suffix) {
        return archive.names().stream()
                .filter(n -> n.startsWith(folder) && n.endsWith(suffix) && n.indexOf('/', folder.length()) < 0)
                .sorted().toList();
    }

    /** Adds the receive times of one file, its header line skipped. */
    private void readReceived(String path, Map<String, Instant> out) {
        readLines(path, (lineNo, row) -> {
            if (lineNo == 1 || row.isBlank()) {
                return;
            }
            String[] f = row.split(",", -1);
            try {
                if (f.length != 2) {
                    throw new IllegalArgumentException("expected 2 fields (" + EvidenceBundle.RECEIVED_HEADER + ")");
                }
                out.put(f[0], Instant.parse(f[1].strip()));
            } catch (IllegalArgumentException | DateTimeParseException e) {
                problem(path + " line " + lineNo + ": " + e.getMessage());
            }
        });
    }

    private Optional<AuditService.ResolvedCalendar> readCalendar(String school) {
        String path = EvidenceBundle.calendarFile(school);
        byte[] content = archive.bytes(path);
        if (content == null) {
            problem(path + " is missing: the figures of school " + school + " cannot be recomputed");
            return Optional.empty();
        }
        try {
            JsonNode c = AuditJson.MAPPER.readTree(content);
            TreeSet<LocalDate> days = new TreeSet<>();
            for (JsonNode d : AuditJson.field(c, "schoolDays")) {
                days.add(LocalDate.parse(d.asText()));
            }
            return Optional.of(new AuditService.ResolvedCalendar(school, LocalDate.parse(AuditJson.text(c, "first")),
                    LocalDate.parse(AuditJson.text(c, "last")).plusDays(1), days));
        } catch (IOException | IllegalArgumentException | DateTimeParseException e) {
            problem(path + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    private void checkRooms(JsonNode report, RuleSettings settings, Map<String, List<KeyPeriod>> keys) {
        LocalDate from = LocalDate.parse(AuditJson.text(report, "from"));
        LocalDate to = LocalDate.parse(AuditJson.text(report, "to"));
        Instant generatedAt = Instant.parse(AuditJson.text(report, "generatedAt"));
        AuditSettings.ExceptionSettings exceptionSettings = AuditJson.readExceptionSettings(
                AuditJson.field(report, "exceptionSettings"));
        ok("period " + from + " to " + to);
        RulesEngine engine = new RulesEngine(settings);
        Map<String, Optional<AuditService.ResolvedCalendar>> calendars = new TreeMap<>();
        List<RoomReport> recomputed = new ArrayList<>();
        boolean complete = true;
        for (JsonNode room : AuditJson.field(report, "rooms")) {
            String roomId = AuditJson.text(room, "room");
            String school = AuditJson.text(room, "school");
            Tier tier = Tier.parse(AuditJson.text(room, "tier"));
            List<DeviceEvent> verified = checkEvents(roomId, room, keys);
            Optional<AuditService.ResolvedCalendar> calendar = calendars.computeIfAbsent(school, this::readCalendar);
            if (verified == null || calendar.isEmpty()) {
                complete = false;
                continue;
            }
            RoomReport again;
            try {
                again = engine.evaluate(roomId, tier, verified, calendar.get(), from, to);
            } catch (IllegalArgumentException e) {
                problem("room " + roomId + ": cannot recompute: " + e.getMessage());
                complete = false;
                continue;
            }
            recomputed.add(again);
            RoomRecord record = new RoomRecord(AuditJson.text(room, "county"), school, roomId, tier,
                    AuditJson.text(room, "name"));
            List<AuditException> found = EventExceptions.find(school, tier, again, verified, readReceived(roomId),
                    calendar.get(), engine, exceptionSettings, from, to, generatedAt);
            compareRoom(roomId, room, new AuditRoom(record, again, List.of(), found), EvidenceBundle.calendarFile(school));
        }
        if (complete) {
            JsonNode stated = report.get("compliance");
            JsonNode again = AuditJson.node(AuditJson.compliance(ComplianceRate.over(recomputed)));
            if (again.equals(stated)) {
                ok("overall compliance matches: " + again);
            } else {
                List<String> diffs = new ArrayList<>();
                diff("compliance", stated, again, diffs);
                problem("overall compliance: report and recomputation differ: " + String.join("; ", diffs));
            }
        }
    }

    /**
     * The room's events that verify (read line by line: its events file, or in format 3 its day files in day order), or
     * null when its events file is missing (format 2; in format 3 a room without day files has no events).
     */
    private List<DeviceEvent> checkEvents(String roomId, JsonNode room, Map<String, List<KeyPeriod>> keys) {
        String place = byDay ? EvidenceBundle.eventsFolder(roomId) : EvidenceBundle.eventsFile(roomId);
        if (!byDay && !archive.has(place)) {
            problem("room " + roomId + ": " + place + " is missing: its figures cannot be recomputed");
            return null;
        }
        List<DeviceEvent> verified = new ArrayList<>();
        Map<String, List<String>> failed = new TreeMap<>();
        List<String> outOfPeriod = new ArrayList<>();
        Map<String, Integer> perDevice = new TreeMap<>();
        Map<String, Set<Long>> seqs = new TreeMap<>();
        Set<String> ids = new HashSet<>();
        for (String path : byDay ? dayFiles(place, ".jsonl") : List.of(place)) {
            readLines(path, (lineNo, row) -> {
                if (row.isEmpty()) {
                    return;
                }
                SignedEvent signed;
                try {
                    EventBatch batch = WireCodec.decode(row.getBytes(StandardCharsets.UTF_8));
                    if (batch.events().size() != 1) {
                        throw new WireFormatException("expected one event per line, found " + batch.events().size());
                    }
                    signed = batch.events().getFirst();
                } catch (WireFormatException e) {
                    problem(path + " line " + lineNo + ": not a signed event (" + e.getMessage() + ")");
                    return;
                }
                DeviceEvent event = signed.event();
                if (!ids.add(event.eventId())) {
                    problem(path + " line " + lineNo + ": event " + event.eventId() + " appears twice");
                    return;
                }
                perDevice.merge(event.deviceId(), 1, Integer::sum);
                seqs.computeIfAbsent(event.deviceId(), d -> new TreeSet<>()).add(event.seq());
                List<KeyPeriod> deviceKeys = keys.getOrDefault(event.deviceId(), List.of());
                Optional<KeyPeriod> valid = deviceKeys.stream().filter(k -> k.covers(event.at())).findFirst();
                if (valid.isPresent() && SignatureVerifier.verifyEvent(signed, valid.get().key())) {
                    verified.add(event);
                } else if (deviceKeys.stream().anyMatch(k -> SignatureVerifier.verifyEvent(signed, k.key()))) {
                    KeyPeriod other = deviceKeys.stream().filter(k -> SignatureVerifier.verifyEvent(signed, k.key())).findFirst().orElseThrow();
                    outOfPeriod.add("event " + event.eventId() + " (seq " + event.seq() + ", " + event.at() + ", "
                            + event.kind().wireName() + ") of device " + event.deviceId() + " is signed with key "
                            + other.key().toBase64() + ", " + other.period() + ", not the key valid at its time");
                } else {
                    failed.computeIfAbsent(event.deviceId(), d -> new ArrayList<>()).add("event " + event.eventId()
                            + " (seq " + event.seq() + ", " + event.at() + ", " + event.kind().wireName() + ")");
                }
            });
        }
        for (String e : outOfPeriod.subList(0, Math.min(MAX_NAMED, outOfPeriod.size()))) {
            problem("room " + roomId + ": " + e + "; left out");
        }
        if (outOfPeriod.size() > MAX_NAMED) {
            problem("room " + roomId + ": and " + (outOfPeriod.size() - MAX_NAMED) + " more events signed outside their key's period");
        }
        for (Map.Entry<String, List<String>> f : failed.entrySet()) {
            String device = f.getKey();
            List<KeyPeriod> deviceKeys = keys.get(device);
            String key = deviceKeys == null ? null : String.join(", ", deviceKeys.stream().map(k -> k.key().toBase64()).toList());
            int total = perDevice.get(device);
            if (key == null) {
                problem("room " + roomId + ": device " + device + " has no key in " + EvidenceBundle.DEVICE_KEYS
                        + ": its " + total + " events cannot be verified and are left out");
            } else if (f.getValue().size() == total && total > 1) {
                problem("room " + roomId + ": none of the " + total + " events of device " + device
                        + " verifies with its key " + key + " in " + EvidenceBundle.DEVICE_KEYS
                        + " (the key was swapped); they are left out");
            } else {
                for (String e : f.getValue().subList(0, Math.min(MAX_NAMED, f.getValue().size()))) {
                    problem("room " + roomId + ": " + e + " of device " + device
                            + ": signature does not verify (the event was altered); left out");
                }
                if (f.getValue().size() > MAX_NAMED) {
                    problem("room " + roomId + ": and " + (f.getValue().size() - MAX_NAMED) + " more events of device "
                            + device + " whose signature does not verify");
                }
            }
        }
        ok("room " + roomId + ": " + ids.size() + " events, " + verified.size() + " with a valid device signature");
        checkEvidence(roomId, room, seqs, place);
        return verified;
    }

    /** @param place where the room's events are: its events file, or (format 3) its folder of day files */
    private void checkEvidence(String roomId, JsonNode room, Map<String, Set<Long>> inBundle, String place) {
        JsonNode evidence = room.get("evidence");
        if (evidence == null || !evidence.isArray()) {
            problem("room " + roomId + ": the report lists no evidence");
            return;
        }
        Set<String> devices = new TreeSet<>(inBundle.keySet());
        for (JsonNode d : evidence) {
            String device = d.path("device").asText();
            devices.remove(device);
            Set<Long> present = inBundle.getOrDefault(device, Set.of());
            List<Long> missing = new ArrayList<>();
            Set<Long> listed = new HashSet<>();
            for (JsonNode run : d.path("seq")) {
                for (long s = run.path(0).asLong(); s <= run.path(1).asLong(); s++) {
                    listed.add(s);
                    if (!present.contains(s)) {
                        missing.add(s);
                    }
                }
            }
            for (Long s : missing.subList(0, Math.min(MAX_NAMED, missing.size()))) {
                problem("room " + roomId + ": event seq " + s + " of device " + device
                        + " is in the report's evidence but not in " + place + " (removed)");
            }
            if (missing.size() > MAX_NAMED) {
                problem("room " + roomId + ": and " + (missing.size() - MAX_NAMED) + " more events of device " + device
                        + " removed");
            }
            List<Long> added = present.stream().filter(s -> !listed.contains(s)).toList();
            for (Long s : added.subList(0, Math.min(MAX_NAMED, added.size()))) {
                problem("room " + roomId + ": event seq " + s + " of device " + device
                        + " is in " + place + " but not in the report's evidence (added)");
            }
        }
        for (String device : devices) {
            problem("room " + roomId + ": events of device " + device + " are in " + place
                    + " but the report's evidence does not list the device (added)");
        }
    }

    private void compareRoom(String roomId, JsonNode stated, AuditRoom again, String calendarPath) {
        Map<String, Object> figures = AuditJson.roomTree(again);
        JsonNode recomputed = AuditJson.node(figures);
        List<String> head = new ArrayList<>();
        for (String field : List.of("tier", "dailySeconds", "weeklySeconds", "excludedUnsyncedEvents")) {
            if (!Objects.equals(stated.get(field), recomputed.get(field))) {
                head.add(field + ": report " + stated.get(field) + ", recomputed " + recomputed.get(field));
            }
        }
        if (head.isEmpty()) {
            ok("room " + roomId + " (" + recomputed.get("tier").asText() + "): thresholds and excluded events match");
        } else {
            problem("room " + roomId + ": " + String.join("; ", head));
        }
        Map<String, JsonNode> statedDays = byKey(stated.get("days"), "date");
        Map<String, JsonNode> statedWeeks = byKey(stated.get("weeks"), "week");
        Map<String, List<String>> weekDiffs = new LinkedHashMap<>();
        for (JsonNode w : recomputed.get("weeks")) {
            weekDiffs.put(w.get("week").asText(), new ArrayList<>());
        }
        for (JsonNode d : recomputed.get("days")) {
            String date = d.get("date").asText();
            String week = cn.xinan.rules.WeekResult.isoWeekOf(LocalDate.parse(date));
            JsonNode s = statedDays.remove(date);
            List<String> diffs = weekDiffs.computeIfAbsent(week, k -> new ArrayList<>());
            if (s == null) {
                diffs.add(date + " is missing from the report");
                continue;
            }
            Iterator<String> names = d.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!Objects.equals(s.get(n), d.get(n))) {
                    diffs.add(date + " " + n + ": report " + s.get(n) + ", recomputed " + d.get(n)
                            + (n.equals("schoolDay") ? " (school day per " + calendarPath + ")" : ""));
                }
            }
        }
        for (String extra : statedDays.keySet()) {
            weekDiffs.computeIfAbsent(cn.xinan.rules.WeekResult.isoWeekOf(LocalDate.parse(extra)), k -> new ArrayList<>())
                    .add(extra + " is in the report but outside the audited period");
        }
        for (JsonNode w : recomputed.get("weeks")) {
            String week = w.get("week").asText();
            JsonNode s = statedWeeks.remove(week);
            List<String> diffs = weekDiffs.get(week);
            if (s == null) {
                diffs.add("week figures are missing from the report");
                continue;
            }
            Iterator<String> names = w.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!Objects.equals(s.get(n), w.get(n))) {
                    diffs.add("week " + n + ": report " + s.get(n) + ", recomputed " + w.get(n));
                }
            }
        }
        for (String extra : statedWeeks.keySet()) {
            weekDiffs.computeIfAbsent(extra, k -> new ArrayList<>()).add("week is in the report but outside the audited period");
        }
        for (Map.Entry<String, List<String>> w : weekDiffs.entrySet()) {
            if (w.getValue().isEmpty()) {
                ok("room " + roomId + " week " + w.getKey() + ": figures match");
            } else {
                problem("room " + roomId + " week " + w.getKey() + ": " + String.join("; ", w.getValue()));
            }
        }
        for (String field : List.of("compliance", "exceptions")) {
            if (Objects.equals(stated.get(field), recomputed.get(field))) {
                ok("room " + roomId + " " + field + ": match");
            } else {
                List<String> diffs = new ArrayList<>();
                diff(field, stated.get(field), recomputed.get(field), diffs);
                problem("room " + roomId + " " + field + ": report and recomputation differ"
                        + (diffs.isEmpty() ? "" : ": " + String.join("; ", diffs)));
            }
        }
    }

    private static Map<String, JsonNode> byKey(JsonNode array, String key) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (array != null) {
            for (JsonNode n : array) {
                out.put(n.path(key).asText(), n);
            }
        }
        return out;
    }
}

package cn.xinan.collector.audit;

import cn.xinan.wire.Ed25519Keys;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An evidence bundle of the worked example verifies as genuine; each kind of tampering with a copy is named
 * (the manifest's hash of the changed file, and what the change did to the events or the figures).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BundleVerifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private AuditFixture fixture;
    private CollectorKey key;
    private Path bundle;

    @BeforeAll
    void setUp(@TempDir Path tempDir) {
        dir = tempDir;
        fixture = new AuditFixture(dir);
        key = CollectorKey.loadOrCreate(dir.resolve("data").resolve(CollectorKey.FILE_NAME), new SecureRandom());
        bundle = dir.resolve("bundle.zip");
        EvidenceBundle.write(fixture.audits.evidence(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO), key,
                java.util.Optional.of(AuditPdf.locate(java.util.Optional.empty())), bundle);
    }

    @AfterAll
    void tearDown() {
        fixture.close();
    }

    @Test
    void aGenuineBundleMatchesEverywhere() throws Exception {
        BundleVerifier.Result result = BundleVerifier.verify(bundle, Optional.of(key.publicKey()));

        assertThat(result.problems()).isEmpty();
        assertThat(result.matches()).isTrue();
        assertThat(result.lines()).contains("manifest signature verifies with the collector key",
                "room r1 week 2025-W10: figures match", "room r2 week 2025-W10: figures match",
                "room r3 week 2025-W10: figures match", "room r1 compliance: match", "room r1 exceptions: match");
        assertThat(result.lines()).anyMatch(l -> l.startsWith("room r1: ") && l.endsWith("with a valid device signature")
                && !l.contains(" 0 with"));
    }

    @Test
    void theBundleHoldsEveryFileOfTheLayout() throws IOException {
        Map<String, byte[]> files = unzip(bundle);
        assertThat(files.keySet()).containsExactlyInAnyOrder("manifest.json", "manifest.sig", "report.json", "report.csv",
                "rule.json", "keys/devices.csv", "calendars/jm-db-001.json", "calendars/jm-db-002.json",
                "calendars/jm-dd-001.json", "events/r1.jsonl", "events/r2.jsonl", "events/r3.jsonl", "collector-key.pub",
                "report.pdf", "received/r1.csv", "received/r2.csv", "received/r3.csv");
        long events = new String(files.get("events/r1.jsonl"), StandardCharsets.UTF_8).lines().count();
        assertThat(events).isEqualTo(fixture.store.eventsForRoom("r1", java.time.Instant.EPOCH,
                java.time.Instant.parse("2030-01-01T00:00:00Z")).size());
        assertThat(new String(files.get("collector-key.pub"), StandardCharsets.US_ASCII).trim())
                .isEqualTo(key.publicKey().toBase64());
    }

    @Test
    void theCollectorKeyIsCreatedOnceAndReadBackAfterwards() {
        CollectorKey again = CollectorKey.loadOrCreate(key.file(), new SecureRandom());
        assertThat(again.publicKey()).isEqualTo(key.publicKey());
    }

    @Test
    void anAlteredEventIsNamed() throws Exception {
        String original = new String(unzip(bundle).get("events/r1.jsonl"), StandardCharsets.UTF_8);
        String line = original.lines().filter(l -> l.contains("\"occupied\":true")).findFirst().orElseThrow();
        String altered = read(line).get("events").get(0).get("id").asText();
        // the first presence event now says nobody was there; its signature is kept
        Path tampered = tamper("events/r1.jsonl", text -> text.replace(line, line.replace("\"occupied\":true", "\"occupied\":false")));

        List<String> problems = problems(tampered);
        assertThat(problems).contains("events/r1.jsonl: SHA-256 differs from the manifest (the file was changed after signing)");
        assertThat(problems).anyMatch(p -> p.contains("event " + altered) && p.contains("signature does not verify (the event was altered)"));
    }

    @Test
    void aRemovedEventIsNamed() throws Exception {
        Path tampered = tamper("events/r1.jsonl", text -> {
            List<String> lines = new ArrayList<>(text.lines().toList());
            lines.remove(10);
            return String.join("\n", lines) + "\n";
        });

        List<String> problems = problems(tampered);
        assertThat(problems).contains("events/r1.jsonl: SHA-256 differs from the manifest (the file was changed after signing)",
                "room r1: event seq 11 of device dev-1 is in the report's evidence but not in events/r1.jsonl (removed)");
    }

    @Test
    void aSwappedKeyIsNamed() throws Exception {
        Ed25519Keys.PublicKey other = Ed25519Keys.generate(new SecureRandom()).publicKey();
        Path tampered = tamper("keys/devices.csv", text -> text.replace(fixture.d1.publicKey().toBase64(), other.toBase64()));

        List<String> problems = problems(tampered);
        assertThat(problems).contains("keys/devices.csv: SHA-256 differs from the manifest (the file was changed after signing)");
        assertThat(problems).anyMatch(p -> p.startsWith("room r1: none of the ") && p.contains("events of device dev-1 verifies with its key "
                + other.toBase64()) && p.contains("(the key was swapped)"));
    }

    @Test
    void aChangedFigureIsNamed() throws Exception {
        Path tampered = tamper("report.json", text -> {
            ObjectNode report = (ObjectNode) read(text);
            ObjectNode monday = (ObjectNode) report.get("rooms").get(0).get("days").get(0);
            monday.put("attendedSeconds", monday.get("attendedSeconds").asLong() + 3_600);
            return report.toPrettyString();
        });
        long attended = fixture.verdicts.room("r1", AuditFixture.FROM, AuditFixture.TO).days().getFirst().attendedSeconds();

        List<String> problems = problems(tampered);
        assertThat(problems).contains("report.json: SHA-256 differs from the manifest (the file was changed after signing)");
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("room r1 week 2025-W10: ")
                .contains("2025-03-03 attendedSeconds: report " + (attended + 3_600) + ", recomputed " + attended));
    }

    @Test
    void aChangedSettingIsNamed() throws Exception {
        Path tampered = tamper("rule.json", text -> text.replace("\"unattendedGapSeconds\" : 1800", "\"unattendedGapSeconds\" : 3600"));

        List<String> problems = problems(tampered);
        assertThat(problems).contains("rule.json: SHA-256 differs from the manifest (the file was changed after signing)");
        assertThat(problems).anyMatch(p -> p.startsWith("report.json's rule settings differ from rule.json: ")
                && p.contains("rule.unattendedGapSeconds 1800 vs 3600"));
        assertThat(problems).anyMatch(p -> p.startsWith("room r1 week 2025-W10: ") && p.contains("2025-03-03 attendedSeconds"));
    }

    @Test
    void aFlippedCalendarDayIsNamed() throws Exception {
        Path tampered = tamper("calendars/jm-db-001.json", text -> withoutSchoolDay(text, "2025-03-04"));

        List<String> problems = problems(tampered);
        assertThat(problems).contains("calendars/jm-db-001.json: SHA-256 differs from the manifest (the file was changed after signing)");
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("room r1 week 2025-W10: ")
                .contains("2025-03-04 schoolDay: report true, recomputed false (school day per calendars/jm-db-001.json)"));
        assertThat(problems).noneMatch(p -> p.startsWith("room r3 "));
    }

    @Test
    void aBundleSignedByAnotherCollectorIsNamedWhenTheKeyIsPinned() throws Exception {
        Ed25519Keys.PublicKey expected = Ed25519Keys.generate(new SecureRandom()).publicKey();

        BundleVerifier.Result result = BundleVerifier.verify(bundle, Optional.of(expected));

        assertThat(result.problems()).containsExactly("the bundle is signed with collector key " + key.publicKey().toBase64()
                + ", not the expected " + expected.toBase64());
    }

    @Test
    void aFileThatIsNotABundleIsUnreadable() throws IOException {
        Path notZip = Files.writeString(dir.resolve("x.zip"), "hello");
        assertThatThrownBy(() -> BundleVerifier.verify(notZip, Optional.empty()))
                .isInstanceOf(BundleVerifier.UnreadableBundleException.class).hasMessageContaining("not a readable ZIP archive");
        assertThatThrownBy(() -> BundleVerifier.verify(dir.resolve("missing.zip"), Optional.empty()))
                .isInstanceOf(BundleVerifier.UnreadableBundleException.class);
    }

    private List<String> problems(Path tampered) throws BundleVerifier.UnreadableBundleException {
        BundleVerifier.Result result = BundleVerifier.verify(tampered, Optional.empty());
        assertThat(result.matches()).isFalse();
        return result.problems();
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A copy of the bundle with one file changed, everything else (the manifest and its signature too) as it was. */
    private Path tamper(String file, UnaryOperator<String> change) throws IOException {
        return rewrite(bundle, dir.resolve("tampered-" + file.replace('/', '_') + ".zip"), file, change);
    }

    /** A copy of {@code bundle} at {@code copy} with {@code file} changed (the change must change something). */
    static Path rewrite(Path bundle, Path copy, String file, UnaryOperator<String> change) throws IOException {
        Map<String, byte[]> files = unzip(bundle);
        byte[] before = files.get(file);
        byte[] after = change.apply(new String(before, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
        assertThat(Arrays.equals(before, after)).as("the tampering changed %s", file).isFalse();
        files.put(file, after);
        try (OutputStream out = Files.newOutputStream(copy); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return copy;
    }

    static Map<String, byte[]> unzip(Path zip) throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(zip); ZipInputStream z = new ZipInputStream(in, StandardCharsets.UTF_8)) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                files.put(e.getName(), z.readAllBytes());
            }
        }
        return files;
    }

    /** A bundle's calendar file (JSON) with {@code day} taken out of its school days. */
    static String withoutSchoolDay(String calendarJson, String day) {
        ObjectNode calendar = (ObjectNode) read(calendarJson);
        ArrayNode days = (ArrayNode) calendar.get("schoolDays");
        for (int i = days.size() - 1; i >= 0; i--) {
            if (days.get(i).asText().equals(day)) {
                days.remove(i);
            }
        }
        return calendar.toPrettyString();
    }
}

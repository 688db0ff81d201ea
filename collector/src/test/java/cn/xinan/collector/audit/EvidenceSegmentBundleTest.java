package cn.xinan.collector.audit;

import cn.xinan.collector.store.StoredEvent;
import cn.xinan.wire.Ed25519Keys;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bundle of format 3 ({@link EvidenceBundle#writeByDay}): one events file per room and day, copied from the evidence
 * segments when they hold exactly the day's listed events. A bundle from segments holds the same files as one built
 * without any; a segment made stale by a late event, or corrupt on disk, is not copied; the verifier reads the format
 * and names each kind of tampering as in format 2.
 */
class EvidenceSegmentBundleTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate MONDAY = LocalDate.of(2025, 3, 3);
    private static final String MONDAY_EVENTS = "events/r1/2025-03-03.jsonl";

    @TempDir
    Path dir;
    private AuditFixture fixture;
    private CollectorKey key;
    private Path segments;

    /** The store the example is written to: SQLite here, InfluxDB in {@link EvidenceSegmentBundleInfluxTest}. */
    AuditFixture fixture(Path dir) {
        return new AuditFixture(dir);
    }

    @BeforeEach
    void setUp() {
        fixture = fixture(dir);
        key = CollectorKey.loadOrCreate(dir.resolve(CollectorKey.FILE_NAME), new SecureRandom());
        segments = dir.resolve("evidence");
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private AuditService.SegmentUse write(Optional<Path> withSegments, Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            return EvidenceBundle.writeByDay(fixture.audits.evidence(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO),
                    key, Optional.empty(), withSegments, out);
        }
    }

    @Test
    void aBundleFromSegmentsHoldsTheSameFilesAsOneBuiltWithout() throws Exception {
        Path none = dir.resolve("none.zip");
        Path cold = dir.resolve("cold.zip");
        Path warm = dir.resolve("warm.zip");
        AuditService.SegmentUse withoutDir = write(Optional.empty(), none);
        AuditService.SegmentUse built = write(Optional.of(segments), cold);
        AuditService.SegmentUse copied = write(Optional.of(segments), warm);

        // r1 has events on the Monday and the Tuesday, r3 on the Monday, r2 none
        assertThat(withoutDir.built()).isEqualTo(3);
        assertThat(withoutDir.copied()).isZero();
        assertThat(built.built()).isEqualTo(3);
        assertThat(copied.copied()).isEqualTo(3);
        assertThat(copied.built()).isZero();
        assertThat(EvidenceSegment.file(segments, "r1", MONDAY)).isRegularFile();

        Map<String, byte[]> expected = BundleVerifierTest.unzip(none);
        assertThat(expected.keySet()).contains(MONDAY_EVENTS, "events/r1/2025-03-04.jsonl", "events/r3/2025-03-03.jsonl",
                "received/r1/2025-03-03.csv", "received/r1/2025-03-04.csv", "received/r3/2025-03-03.csv")
                .noneMatch(n -> n.startsWith("events/r2"));
        for (Path bundle : List.of(cold, warm)) {
            Map<String, byte[]> files = BundleVerifierTest.unzip(bundle);
            assertThat(files.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
            for (String name : expected.keySet()) {
                assertThat(EvidenceBundle.sha256(files.get(name))).as(name + " in " + bundle.getFileName())
                        .isEqualTo(EvidenceBundle.sha256(expected.get(name)));
            }
        }
        BundleVerifier.Result result = BundleVerifier.verify(warm, Optional.of(key.publicKey()));
        assertThat(result.problems()).isEmpty();
        assertThat(result.lines()).contains("room r1 week 2025-W10: figures match", "room r3 week 2025-W10: figures match",
                "room r1 exceptions: match");
        int stored = fixture.store.eventsForRoom("r1", Instant.EPOCH, Instant.parse("2030-01-01T00:00:00Z")).size();
        assertThat(result.lines()).contains("room r1: " + stored + " events, " + stored + " with a valid device signature");
    }

    @Test
    void aSegmentMadeStaleByALateEventIsNotCopied() throws Exception {
        write(Optional.of(segments), dir.resolve("first.zip"));
        byte[] before = Files.readAllBytes(EvidenceSegment.file(segments, "r1", MONDAY));
        // a heartbeat of the Monday delivered late, after the segment was written
        Instant at = Instant.parse("2025-03-03T04:00:00Z");
        fixture.store.append(List.of(new StoredEvent(fixture.d1.heartbeat(at), "r1", Instant.parse("2025-03-05T09:00:00Z"))));

        Path bundle = dir.resolve("after.zip");
        AuditService.SegmentUse use = write(Optional.of(segments), bundle);
        assertThat(use.built()).isEqualTo(1);
        assertThat(use.copied()).isEqualTo(2);
        BundleVerifier.Result result = BundleVerifier.verify(bundle, Optional.of(key.publicKey()));
        assertThat(result.problems()).isEmpty();
        int stored = fixture.store.eventsForRoom("r1", Instant.EPOCH, Instant.parse("2030-01-01T00:00:00Z")).size();
        assertThat(result.lines()).contains("room r1: " + stored + " events, " + stored + " with a valid device signature");
        // the day's segment now holds the late event too, and is copied next time
        assertThat(Files.readAllBytes(EvidenceSegment.file(segments, "r1", MONDAY))).isNotEqualTo(before);
        assertThat(write(Optional.of(segments), dir.resolve("again.zip")).copied()).isEqualTo(3);
    }

    @Test
    void theDerivationWritesTheSegmentsAndALateEventRewritesItsDays() throws Exception {
        cn.xinan.collector.verdict.DerivedResults derived = new cn.xinan.collector.verdict.DerivedResults(fixture.store,
                AuditFixture.SETTINGS).onRebuiltDay((room, day, events) -> EvidenceSegment.of(room, day, events).write(segments));
        derived.refresh(List.of());
        assertThat(EvidenceSegment.file(segments, "r1", MONDAY)).isRegularFile();
        AuditService.SegmentUse use = write(Optional.of(segments), dir.resolve("prebuilt.zip"));
        assertThat(use.copied()).isEqualTo(3);
        assertThat(use.built()).isZero();
        byte[] before = Files.readAllBytes(EvidenceSegment.file(segments, "r1", MONDAY));

        Instant at = Instant.parse("2025-03-03T04:00:00Z");
        fixture.store.append(List.of(new StoredEvent(fixture.d1.heartbeat(at), "r1", Instant.parse("2025-03-05T09:00:00Z"))));
        derived.refresh(List.of());
        assertThat(Files.readAllBytes(EvidenceSegment.file(segments, "r1", MONDAY))).isNotEqualTo(before);
        Path bundle = dir.resolve("after.zip");
        use = write(Optional.of(segments), bundle);
        assertThat(use.copied()).isEqualTo(3);
        assertThat(use.built()).isZero();
        BundleVerifier.Result result = BundleVerifier.verify(bundle, Optional.of(key.publicKey()));
        assertThat(result.problems()).isEmpty();
        int stored = fixture.store.eventsForRoom("r1", Instant.EPOCH, Instant.parse("2030-01-01T00:00:00Z")).size();
        assertThat(result.lines()).contains("room r1: " + stored + " events, " + stored + " with a valid device signature");
    }

    @Test
    void aLateEventNotYetDerivedMakesItsDayBeReadFromTheStore() throws Exception {
        write(Optional.of(segments), dir.resolve("first.zip"));
        Instant at = Instant.parse("2025-03-03T04:00:00Z");
        fixture.store.append(List.of(new StoredEvent(fixture.d1.heartbeat(at), "r1", Instant.parse("2025-03-05T09:00:00Z"))));
        AuditService.Evidence evidence = fixture.audits.evidence(AuditScope.allRooms(), AuditFixture.FROM, AuditFixture.TO);
        // another late event of the Monday after the audit: marked, not derived, not behind the report
        fixture.store.append(List.of(new StoredEvent(fixture.d1.heartbeat(at.plusSeconds(60)), "r1",
                Instant.parse("2025-03-05T09:10:00Z"))));
        assertThat(fixture.store.markedDays("r1", MONDAY, MONDAY)).containsExactly(MONDAY);

        Path bundle = dir.resolve("marked.zip");
        AuditService.SegmentUse use;
        try (OutputStream out = Files.newOutputStream(bundle)) {
            use = EvidenceBundle.writeByDay(evidence, key, Optional.empty(), Optional.of(segments), out);
        }
        assertThat(use.built()).isEqualTo(1);
        assertThat(BundleVerifier.verify(bundle, Optional.of(key.publicKey())).problems()).isEmpty();
    }

    @Test
    void aCorruptSegmentIsRebuiltNeverCopied() throws Exception {
        write(Optional.of(segments), dir.resolve("first.zip"));
        Path monday = EvidenceSegment.file(segments, "r1", MONDAY);
        byte[] good = Files.readAllBytes(monday);

        byte[] flipped = good.clone();
        flipped[good.length - 40] ^= 0x10;
        Files.write(monday, flipped);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> EvidenceSegment.read(segments, "r1", MONDAY)))
                .isInstanceOf(EvidenceSegment.CorruptSegmentException.class).hasMessageContaining("CRC-32");
        Path bundle = dir.resolve("flipped.zip");
        AuditService.SegmentUse use = write(Optional.of(segments), bundle);
        assertThat(use.corrupt()).isEqualTo(1);
        assertThat(use.built()).isEqualTo(1);
        assertThat(BundleVerifier.verify(bundle, Optional.of(key.publicKey())).problems()).isEmpty();
        assertThat(Files.readAllBytes(monday)).isEqualTo(good);

        Files.write(monday, java.util.Arrays.copyOf(good, good.length / 2));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> EvidenceSegment.read(segments, "r1", MONDAY)))
                .isInstanceOf(EvidenceSegment.CorruptSegmentException.class).hasMessageContaining(monday.toString());
        bundle = dir.resolve("truncated.zip");
        use = write(Optional.of(segments), bundle);
        assertThat(use.corrupt()).isEqualTo(1);
        assertThat(BundleVerifier.verify(bundle, Optional.of(key.publicKey())).problems()).isEmpty();
        assertThat(Files.readAllBytes(monday)).isEqualTo(good);
    }

    @Test
    void eachKindOfTamperingIsNamedInFormat3() throws Exception {
        write(Optional.of(segments), dir.resolve("first.zip"));
        Path bundle = dir.resolve("bundle.zip");
        assertThat(write(Optional.of(segments), bundle).copied()).isEqualTo(3);

        // an altered event
        String original = new String(BundleVerifierTest.unzip(bundle).get(MONDAY_EVENTS), StandardCharsets.UTF_8);
        String line = original.lines().filter(l -> l.contains("\"occupied\":true")).findFirst().orElseThrow();
        String altered = JSON.readTree(line).get("events").get(0).get("id").asText();
        List<String> problems = problems(tamper(bundle, MONDAY_EVENTS,
                text -> text.replace(line, line.replace("\"occupied\":true", "\"occupied\":false"))));
        assertThat(problems).contains(MONDAY_EVENTS + ": SHA-256 differs from the manifest (the file was changed after signing)");
        assertThat(problems).anyMatch(p -> p.contains("event " + altered) && p.contains("signature does not verify (the event was altered)"));

        // a removed event
        problems = problems(tamper(bundle, MONDAY_EVENTS, text -> {
            List<String> lines = new ArrayList<>(text.lines().toList());
            lines.remove(10);
            return String.join("\n", lines) + "\n";
        }));
        assertThat(problems).contains(MONDAY_EVENTS + ": SHA-256 differs from the manifest (the file was changed after signing)",
                "room r1: event seq 11 of device dev-1 is in the report's evidence but not in events/r1/ (removed)");

        // a swapped key
        Ed25519Keys.PublicKey other = Ed25519Keys.generate(new SecureRandom()).publicKey();
        problems = problems(tamper(bundle, "keys/devices.csv",
                text -> text.replace(fixture.d1.publicKey().toBase64(), other.toBase64())));
        assertThat(problems).anyMatch(p -> p.startsWith("room r1: none of the ") && p.contains("events of device dev-1 verifies with its key "
                + other.toBase64()) && p.contains("(the key was swapped)"));

        // a changed figure
        long attended = fixture.verdicts.room("r1", AuditFixture.FROM, AuditFixture.TO).days().getFirst().attendedSeconds();
        problems = problems(tamper(bundle, "report.json", text -> {
            ObjectNode report = (ObjectNode) read(text);
            ObjectNode monday = (ObjectNode) report.get("rooms").get(0).get("days").get(0);
            monday.put("attendedSeconds", monday.get("attendedSeconds").asLong() + 3_600);
            return report.toPrettyString();
        }));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("room r1 week 2025-W10: ")
                .contains("2025-03-03 attendedSeconds: report " + (attended + 3_600) + ", recomputed " + attended));

        // a flipped calendar day
        problems = problems(tamper(bundle, "calendars/jm-db-001.json",
                text -> BundleVerifierTest.withoutSchoolDay(text, "2025-03-04")));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("room r1 week 2025-W10: ")
                .contains("2025-03-04 schoolDay: report true, recomputed false (school day per calendars/jm-db-001.json)"));

        // a receive-times file changed without changing a receive time: named by its SHA-256 alone
        problems = problems(tamper(bundle, "received/r1/2025-03-04.csv", text -> text + "\n"));
        assertThat(problems).containsExactly("received/r1/2025-03-04.csv: SHA-256 differs from the manifest (the file was"
                + " changed after signing)");
    }

    private List<String> problems(Path tampered) throws BundleVerifier.UnreadableBundleException {
        BundleVerifier.Result result = BundleVerifier.verify(tampered, Optional.empty());
        assertThat(result.matches()).isFalse();
        return result.problems();
    }

    private Path tamper(Path bundle, String file, UnaryOperator<String> change) throws IOException {
        return BundleVerifierTest.rewrite(bundle, dir.resolve("tampered-" + file.replace('/', '_') + ".zip"), file, change);
    }

    private static com.fasterxml.jackson.databind.JsonNode read(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}

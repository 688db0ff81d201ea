package cn.xinan.collector.audit;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.provisioning.Registry;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A device re-keyed mid-period with provisioning's {@code device replace} (docs/provisioning.md): the bundle holds both
 * keys with their periods, {@code xinan verify} checks each event with the key valid at its time and names the key
 * replacement, and an event signed with the retired key after the replacement is named.
 */
class KeyHistoryBundleTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final LocalDate MONDAY = LocalDate.of(2025, 3, 3);
    /** The replacement: Wednesday 00:00 local. */
    private static final Instant REPLACED = MONDAY.plusDays(2).atStartOfDay(SHANGHAI).toInstant();

    @TempDir
    Path dir;
    private long seq;

    @Test
    void eventsSignedWithTheOlderKeyVerifyAndTheKeySwapIsNamed() throws Exception {
        District district = District.open(dir.resolve("district"), Clock.fixed(Instant.parse("2025-03-01T00:00:00Z"),
                ZoneOffset.UTC), new SecureRandom());
        Path schools = Files.writeString(dir.resolve("schools.csv"), "school,name,county\njm-db-001,东宝实验小学,东宝区\n",
                StandardCharsets.UTF_8);
        Path rooms = Files.writeString(dir.resolve("rooms.csv"),
                "county,school,room,tier,name\n东宝区,jm-db-001,r1,示范,东宝实验小学心理辅导室\n", StandardCharsets.UTF_8);
        district.importCsv(Optional.of(schools), Optional.of(rooms));
        DeviceBundle first = district.addDevice("r1", Optional.of("dev-1"), "tcp://127.0.0.1:1883");
        DeviceBundle second = district.replaceDevice("dev-1", REPLACED, "tcp://127.0.0.1:1883");
        Registry registry = district.registry();
        assertThat(registry.history("dev-1").orElseThrow().keys()).hasSize(2);

        try (EventStore store = SqliteEventStore.open(dir.resolve("events.db"))) {
            EventSigner before = new EventSigner(first.privateKey());
            EventSigner after = new EventSigner(second.privateKey());
            for (int d = 0; d < 5; d++) {
                LocalDate day = MONDAY.plusDays(d);
                EventSigner signer = day.atStartOfDay(SHANGHAI).toInstant().isBefore(REPLACED) ? before : after;
                store.append(day(signer, day));
            }
            SchoolCalendars calendars = SchoolCalendars.uniform(SchoolCalendar.of(NationalCalendar.bundled()));
            AuditService audits = new AuditService(store, registry, new VerdictService(store, registry,
                    RuleSettings.defaults(), calendars), calendars, Clock.fixed(Instant.parse("2025-03-10T02:00:00Z"), ZoneOffset.UTC));
            CollectorKey key = CollectorKey.loadOrCreate(dir.resolve(CollectorKey.FILE_NAME), new SecureRandom());

            Path genuine = dir.resolve("genuine.zip");
            EvidenceBundle.write(audits.evidence(AuditScope.allRooms(), MONDAY, MONDAY.plusDays(6)), key, Optional.empty(), genuine);
            String keys = new String(BundleVerifierTest.unzip(genuine).get(EvidenceBundle.DEVICE_KEYS), StandardCharsets.UTF_8);
            assertThat(keys.lines()).containsExactly(EvidenceBundle.DEVICE_KEYS_HEADER,
                    "dev-1," + first.privateKey().publicKey().toBase64() + ",," + REPLACED,
                    "dev-1," + second.privateKey().publicKey().toBase64() + "," + REPLACED + ",");
            BundleVerifier.Result result = BundleVerifier.verify(genuine, Optional.of(key.publicKey()));
            assertThat(result.problems()).isEmpty();
            assertThat(result.lines()).contains("device dev-1: key replaced at " + REPLACED + " ("
                    + first.privateKey().publicKey().toBase64() + " -> " + second.privateKey().publicKey().toBase64()
                    + "): each event is checked with the key valid at its time");
            assertThat(result.lines()).anyMatch(l -> l.matches("room r1: (\\d+) events, \\1 with a valid device signature"));

            // someone holding the retired key signs an event after the replacement
            SignedEvent forged = before.sign(new DeviceEvent(UUID.randomUUID().toString(), "dev-1", ++seq,
                    MONDAY.plusDays(3).atTime(12, 0).atZone(SHANGHAI).toInstant(), true, new EventBody.CheckIn(null, null)));
            store.append(List.of(new StoredEvent(forged, "r1", Instant.parse("2025-03-06T05:00:00Z"))));
            Path withForged = dir.resolve("forged.zip");
            EvidenceBundle.write(audits.evidence(AuditScope.allRooms(), MONDAY, MONDAY.plusDays(6)), key, Optional.empty(), withForged);
            assertThat(BundleVerifier.verify(withForged, Optional.of(key.publicKey())).problems())
                    .anyMatch(p -> p.contains("event " + forged.event().eventId()) && p.contains("is signed with key "
                            + first.privateKey().publicKey().toBase64() + ", valid from the start until " + REPLACED
                            + ", not the key valid at its time"));
        }
    }

    /** A school day: heartbeats every 5 minutes 07:50–17:00, open 08:00–10:00 with someone present. */
    private List<StoredEvent> day(EventSigner signer, LocalDate day) {
        List<SignedEvent> events = new ArrayList<>();
        Instant start = day.atTime(7, 50).atZone(SHANGHAI).toInstant();
        for (Instant t = start; t.isBefore(day.atTime(17, 0).atZone(SHANGHAI).toInstant()); t = t.plusSeconds(300)) {
            events.add(sign(signer, t, new EventBody.Heartbeat()));
        }
        events.add(sign(signer, day.atTime(8, 0).atZone(SHANGHAI).toInstant(), new EventBody.StaffOpen("T01")));
        events.add(sign(signer, day.atTime(8, 0).atZone(SHANGHAI).toInstant(), new EventBody.Presence(true)));
        events.add(sign(signer, day.atTime(10, 0).atZone(SHANGHAI).toInstant(), new EventBody.StaffClose("T01")));
        Instant received = day.atTime(17, 5).atZone(SHANGHAI).toInstant();
        return events.stream().map(e -> new StoredEvent(e, "r1", received)).toList();
    }

    private SignedEvent sign(EventSigner signer, Instant at, EventBody body) {
        return signer.sign(new DeviceEvent(UUID.randomUUID().toString(), "dev-1", ++seq, at, true, body));
    }
}

package cn.xinan.collector.audit;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.collector.warnings.OpeningHours;
import cn.xinan.event.EventBody;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The exceptions found in the events (docs/audit.md), on known days of room r1 (示范, school jm-db-001, opening
 * hours 08:00-17:30) in week 2025-W10, heartbeats every minute while the device is up:
 * <ul>
 *   <li>Monday 2025-03-03: up 07:50–10:00 and 11:30–18:00 (a power cut of 90 minutes in the opening hours), and a
 *       10-minute silence 15:00–15:10 (under the 15-minute threshold); all received the same evening.</li>
 *   <li>Tuesday: up all day, open 09:00–11:00 with someone present; the open/close and presence events were received
 *       on Thursday (a network outage), the heartbeats on time.</li>
 *   <li>Wednesday to Friday: up 08:00–18:00, all on time; Friday's 12:00 heartbeat stored twice (a redelivery).</li>
 * </ul>
 */
class EventExceptionsTest {
    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    private static final LocalDate MONDAY = LocalDate.of(2025, 3, 3);

    @TempDir
    Path dir;
    private EventStore store;
    private final TestDevice device = new TestDevice("dev-1", "r1");
    private Registry registry;
    private AuditService audits;

    @BeforeEach
    void setUp() {
        store = SqliteEventStore.open(dir.resolve("events.db"));
        registry = new Registry(List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "东宝实验小学心理辅导室")),
                List.of(device.record()));
        SchoolCalendars calendars = SchoolCalendars.uniform(SchoolCalendar.of(NationalCalendar.bundled()));
        VerdictService verdicts = new VerdictService(store, registry, RuleSettings.defaults(), calendars);
        AuditSettings.ExceptionSettings settings = new AuditSettings.ExceptionSettings(OpeningHours.parse("08:00-17:30"),
                Map.of(), Duration.ofMinutes(15), Duration.ofMinutes(60));
        audits = new AuditService(store, registry, verdicts, calendars,
                Clock.fixed(Instant.parse("2025-03-10T02:00:00Z"), ZoneOffset.UTC), settings);

        Instant mondayEvening = at(MONDAY, "20:00");
        store(heartbeats(MONDAY, "07:50", "10:00"), mondayEvening);
        store(heartbeats(MONDAY, "11:30", "15:00"), mondayEvening);
        store(heartbeats(MONDAY, "15:10", "18:00"), mondayEvening);

        LocalDate tuesday = MONDAY.plusDays(1);
        store(heartbeats(tuesday, "00:00", "23:59"), at(tuesday, "23:59"));
        store(List.of(device.event(at(tuesday, "09:00"), new EventBody.StaffOpen("T01")),
                device.event(at(tuesday, "09:00"), new EventBody.Presence(true)),
                device.event(at(tuesday, "11:00"), new EventBody.StaffClose("T01"))), at(tuesday.plusDays(2), "10:12"));

        for (int d = 2; d <= 4; d++) {
            LocalDate day = MONDAY.plusDays(d);
            store(heartbeats(day, "08:00", "18:00"), at(day, "18:01"));
        }
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    private static Instant at(LocalDate day, String time) {
        return LocalDateTime.of(day, java.time.LocalTime.parse(time)).atZone(SHANGHAI).toInstant();
    }

    private List<SignedEvent> heartbeats(LocalDate day, String from, String to) {
        List<SignedEvent> out = new ArrayList<>();
        for (Instant t = at(day, from); !t.isAfter(at(day, to)); t = t.plusSeconds(60)) {
            out.add(device.heartbeat(t));
        }
        return out;
    }

    private void store(List<SignedEvent> events, Instant receivedAt) {
        store.append(events.stream().map(e -> new StoredEvent(e, "r1", receivedAt)).toList());
    }

    private List<AuditException> exceptions(AuditException.Kind kind) {
        return audits.audit(AuditScope.demonstrationRooms(), MONDAY, MONDAY.plusDays(6)).rooms().getFirst().exceptions()
                .stream().filter(e -> e.kind() == kind).toList();
    }

    @Test
    void aDeviceSilentForAtLeastFifteenMinutesInTheOpeningHoursIsOfflineThatDayOnly() {
        List<AuditException> offline = exceptions(AuditException.Kind.DEVICE_OFFLINE);

        assertThat(offline).extracting(AuditException::unit).containsExactly("2025-03-03");
        assertThat(offline.getFirst().reason()).isEqualTo("no sign of life from the room's devices during 10:00–11:30"
                + " (1.50 h of the posted opening hours 08:00-17:30)");
        assertThat(offline.getFirst().reasonZh()).contains("10:00–11:30", "1.50 小时");
    }

    @Test
    void eventsReceivedAfterTheirDaysVerdictWasFinalAreLateAndTheVerdictTheyChangedIsNamed() {
        List<AuditException> late = exceptions(AuditException.Kind.LATE_EVENTS);

        assertThat(late).extracting(AuditException::unit).containsExactly("2025-03-04");
        assertThat(late.getFirst().reason()).isEqualTo("3 events of this day were received after 2025-03-05 01:00"
                + " (the last at 2025-03-06 10:12); they add 2.00 h attended; the day's verdict was NOT_MET without them"
                + " and is MET");
        AuditRoom room = audits.audit(AuditScope.demonstrationRooms(), MONDAY, MONDAY.plusDays(6)).rooms().getFirst();
        assertThat(room.report().days().get(1).verdict()).isEqualTo(Verdict.MET);
    }

    @Test
    void aRedeliveredEventChangesNothingAndIsNotLate() {
        List<AuditException> before = audits.audit(AuditScope.demonstrationRooms(), MONDAY, MONDAY.plusDays(6)).rooms()
                .getFirst().exceptions();
        SignedEvent noon = store.eventsForRoom("r1", at(MONDAY.plusDays(4), "12:00"), at(MONDAY.plusDays(4), "12:01"))
                .getFirst().signed();
        store.append(List.of(new StoredEvent(noon, "r1", at(MONDAY.plusDays(9), "09:00"))));

        assertThat(audits.audit(AuditScope.demonstrationRooms(), MONDAY, MONDAY.plusDays(6)).rooms().getFirst().exceptions())
                .isEqualTo(before);
    }

    @Test
    void theBundleRecomputesBothExceptionsOfflineAndNamesAReceiveTimeChanged() throws Exception {
        CollectorKey key = CollectorKey.loadOrCreate(dir.resolve(CollectorKey.FILE_NAME), new SecureRandom());
        Path bundle = dir.resolve("bundle.zip");
        EvidenceBundle.write(audits.evidence(AuditScope.demonstrationRooms(), MONDAY, MONDAY.plusDays(6)), key,
                Optional.empty(), bundle);
        BundleVerifier.Result genuine = BundleVerifier.verify(bundle, Optional.of(key.publicKey()));
        assertThat(genuine.problems()).isEmpty();
        assertThat(genuine.lines()).contains("room r1 exceptions: match");

        // the receive times rewritten as if everything had arrived on time: the late exception is no longer recomputed
        Path onTime = BundleVerifierTest.rewrite(bundle, dir.resolve("on-time.zip"), "received/r1.csv",
                text -> text.replaceAll("2025-03-06T02:12:00Z", "2025-03-04T03:00:00Z"));
        BundleVerifier.Result changed = BundleVerifier.verify(onTime, Optional.of(key.publicKey()));
        assertThat(changed.problems()).contains("received/r1.csv: SHA-256 differs from the manifest (the file was changed after signing)")
                .anyMatch(p -> p.startsWith("room r1 exceptions: report and recomputation differ") && p.contains("LATE_EVENTS"));
    }
}

package cn.xinan.collector.audit;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.verdict.DerivedResults;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.collector.warnings.OpeningHours;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.SignedEvent;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit from derived results ({@link AuditService#audit}: day summaries, alive spans, the events beside heartbeats,
 * the store's runs of sequence numbers and late events) equals the audit from every raw event (the report of
 * {@link AuditService#evidence}, the engine and the exceptions over all the events) in every figure, exception and
 * listed sequence number: for random fortnights of heartbeats with silences during the opening hours, sessions,
 * check-ins and unsynchronised events, delivered shuffled, partly twice and partly late, split between two collector
 * replicas on one SQLite file that derive at random moments, with random offline and late thresholds; and for more rooms
 * than the audit reads at once. {@link AuditFromDerivedInfluxTest} does the same on InfluxDB.
 */
class AuditFromDerivedPropertyTest {
    private static final LocalDate FIRST = LocalDate.of(2025, 3, 3); // a Monday
    private static final int DAYS = 14;
    private static final LocalDate LAST = FIRST.plusDays(DAYS - 1);
    private static final SchoolCalendar CALENDAR = SchoolCalendar.of(NationalCalendar.bundled());
    private static final byte[] SIGNATURE = new byte[64];

    @Property(tries = 12)
    void theAuditFromDerivedResultsEqualsTheAuditFromEveryEvent(@ForAll long seed) throws IOException {
        onSqlite(dir -> auditsAgree(seed, 3, DAYS, () -> SqliteEventStore.open(dir.resolve("events.db"))));
    }

    /** More rooms than {@link AuditService#audit} reads at once: the rooms of every read have their own figures. */
    @Example
    void theAuditOfMoreRoomsThanOneReadTakesEqualsTheAuditFromEveryEvent() throws IOException {
        onSqlite(dir -> auditsAgree(20_251_202L, AuditService.ROOMS_PER_READ + 5, 2,
                () -> SqliteEventStore.open(dir.resolve("events.db"))));
    }

    private static void onSqlite(java.util.function.Consumer<Path> test) throws IOException {
        Path dir = Files.createTempDirectory("xinan-audit-derived");
        try {
            test.accept(dir);
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * {@code rooms} rooms with {@code days} days of events from {@link #FIRST} ({@link #fortnight}), delivered to two
     * replicas of one store ({@code replica} opens one more on the same data), audited from derived results and from
     * every event over random periods of the fortnight, for all rooms and for the 示范 ones: the two audits are equal.
     */
    static void auditsAgree(long seed, int roomCount, int days, java.util.function.Supplier<EventStore> replica) {
        Random random = new Random(seed);
        List<RoomRecord> rooms = new ArrayList<>();
        List<StoredEvent> delivery = new ArrayList<>();
        for (int r = 0; r < roomCount; r++) {
            RoomRecord room = new RoomRecord("county-1", "school-" + (r % 2), "room-" + r,
                    r % 2 == 0 ? Tier.DEMONSTRATION : Tier.QUALIFIED, "room " + r);
            rooms.add(room);
            delivery.addAll(fortnight(room.roomId(), random, days));
        }
        RuleSettings settings = RuleSettings.defaults().withUnattendedGapSeconds(random.nextBoolean() ? 1_800 : 600);
        AuditSettings.ExceptionSettings exceptions = new AuditSettings.ExceptionSettings(
                new OpeningHours(LocalTime.of(8, 0), LocalTime.of(17, 30)),
                Map.of("school-1", new OpeningHours(LocalTime.of(12, 0), LocalTime.of(20, 0))),
                Duration.ofMinutes(random.nextInt(4) == 0 ? 2 : 4 + random.nextInt(40)),
                Duration.ofMinutes(random.nextInt(120)));
        // audited after the fortnight, or on one of its days (silences after that moment are not offline yet)
        Instant now = random.nextBoolean() ? LAST.plusDays(3).atStartOfDay(RulesEngine.ZONE).toInstant()
                : FIRST.plusDays(random.nextInt(DAYS)).atTime(8 + random.nextInt(12), 0).atZone(RulesEngine.ZONE).toInstant();

        try (EventStore a = replica.get(); EventStore b = replica.get()) {
            deliver(delivery, random, a, new DerivedResults(a, settings), b, new DerivedResults(b, settings));
            Registry registry = new Registry(rooms, List.of());
            SchoolCalendars calendars = SchoolCalendars.uniform(CALENDAR);
            AuditService audits = new AuditService(a, registry, new VerdictService(a, registry, settings, calendars),
                    calendars, Clock.fixed(now, ZoneOffset.UTC), exceptions);
            for (AuditScope scope : List.of(AuditScope.allRooms(), AuditScope.demonstrationRooms())) {
                LocalDate from = FIRST.plusDays(random.nextInt(4));
                LocalDate to = LAST.minusDays(random.nextInt(4));
                String derived = AuditJson.toJson(audits.audit(scope, from, to));
                String raw = AuditJson.toJson(audits.auditFromEveryEvent(scope, from, to));
                assertThat(derived).as("audit of %s from %s to %s", scope, from, to).isEqualTo(raw);
            }
            segmentsAgree(audits.evidence(AuditScope.allRooms(), FIRST, LAST));
        }
    }

    /**
     * The evidence segments the bundle writer is handed for each room (its marks and records read for several rooms at a
     * time), built from the store and then copied from the evidence directory, are those of the events the room's
     * evidence lists, day by day.
     */
    private static void segmentsAgree(AuditService.Evidence evidence) {
        Path dir;
        try {
            dir = Files.createTempDirectory("xinan-segments");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try {
            for (String pass : List.of("built", "copied")) {
                AuditService.SegmentUse use = new AuditService.SegmentUse();
                for (AuditRoom room : evidence.report().rooms()) {
                    Map<LocalDate, List<StoredEvent>> byDay = new java.util.TreeMap<>();
                    evidence.events().forEach(room, e -> byDay.computeIfAbsent(
                            LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE), k -> new ArrayList<>()).add(e));
                    List<EvidenceSegment> expected = new ArrayList<>();
                    byDay.forEach((day, events) -> expected.add(EvidenceSegment.of(room.room().roomId(), day, events)));
                    List<EvidenceSegment> handed = new ArrayList<>();
                    evidence.days().forEach(room, java.util.Optional.of(dir), use, handed::add);
                    assertThat(handed).as("segments of %s (%s)", room.room().roomId(), pass).isEqualTo(expected);
                }
                assertThat(pass.equals("built") ? use.built() : use.copied()).as(pass).isPositive();
            }
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * A room's fortnight (its first {@code days} days): heartbeats a minute apart from 06:00 (most nights) or all day with silences of random length (some
     * within the opening hours, some across midnight), sessions and check-ins, a few events recorded before the clock
     * was synchronised; received 30 s after they were recorded, or (in some rooms) some of them a day or more late.
     */
    private static List<StoredEvent> fortnight(String room, Random random, int days) {
        String device = room + "-dev";
        boolean lateRoom = random.nextInt(3) == 0;
        List<DeviceEvent> events = new ArrayList<>();
        Instant origin = FIRST.atStartOfDay(RulesEngine.ZONE).toInstant();
        int silentDays = random.nextInt(3);
        for (int minute = random.nextInt(600); minute < days * 1440; minute++) {
            if (random.nextInt(200) == 0) {
                minute += random.nextInt(random.nextBoolean() ? 60 : 600); // a silence
                continue;
            }
            if (silentDays > 0 && random.nextInt(20_000) == 0) {
                minute += 1440; // a day without any sign of life
                silentDays--;
                continue;
            }
            if (minute % 1440 < 360 && random.nextInt(8) != 0) {
                minute += 360 - minute % 1440 - 1; // most nights the device is off until 06:00
                continue;
            }
            long second = random.nextInt(60);
            events.add(event(device, origin.plusSeconds(minute * 60L + second), random.nextInt(300) != 0,
                    new EventBody.Heartbeat()));
            int k = random.nextInt(400);
            EventBody body = k < 3 ? new EventBody.StaffOpen("T01") : k < 6 ? new EventBody.StaffClose("T01")
                    : k < 9 ? new EventBody.Presence(true) : k < 12 ? new EventBody.Presence(false)
                    : k < 14 ? new EventBody.CheckIn(Purpose.GROUP, Stage.JUNIOR) : k < 15 ? new EventBody.Boot("power_on", null)
                    : null;
            if (body != null) {
                events.add(event(device, origin.plusSeconds(minute * 60L + random.nextInt(60)), random.nextInt(20) != 0,
                        body));
            }
        }
        events.sort(Comparator.comparing(DeviceEvent::at));
        List<StoredEvent> out = new ArrayList<>(events.size());
        long seq = 0;
        for (DeviceEvent e : events) {
            seq += random.nextInt(500) == 0 ? 2 : 1; // a few sequence numbers never stored
            DeviceEvent numbered = new DeviceEvent(device + "-" + seq, device, seq, e.at(), e.clockSynced(), e.body());
            Instant received = lateRoom && random.nextInt(40) == 0
                    ? numbered.at().plus(Duration.ofMinutes(1440 + random.nextInt(3000)))
                    : numbered.at().plusSeconds(30);
            out.add(new StoredEvent(new SignedEvent(numbered, SIGNATURE), room, received));
        }
        return out;
    }

    private static DeviceEvent event(String device, Instant at, boolean synced, EventBody body) {
        return new DeviceEvent(device + "-tmp", device, 1, at, synced, body);
    }

    /** Shuffled in part, some events twice (the first stored receipt counts), in batches to two replicas. */
    private static void deliver(List<StoredEvent> delivery, Random random, EventStore a, DerivedResults derivedA,
                                EventStore b, DerivedResults derivedB) {
        List<StoredEvent> ordered = new ArrayList<>(delivery);
        int duplicates = random.nextInt(delivery.size() / 20 + 1);
        for (int i = 0; i < duplicates; i++) {
            StoredEvent e = delivery.get(random.nextInt(delivery.size()));
            ordered.add(new StoredEvent(e.signed(), e.roomId(), e.receivedAt().plusSeconds(random.nextInt(100_000))));
        }
        ordered.sort(Comparator.comparing(StoredEvent::receivedAt));
        List<StoredEvent> shuffled = new ArrayList<>(ordered.subList(0, ordered.size() / 10));
        Collections.shuffle(shuffled, random);
        ordered.subList(0, ordered.size() / 10).clear();
        for (StoredEvent e : shuffled) {
            ordered.add(random.nextInt(ordered.size() + 1), e);
        }
        for (int i = 0; i < ordered.size(); ) {
            int n = 1 + random.nextInt(2_000);
            (random.nextBoolean() ? a : b).append(List.copyOf(ordered.subList(i, Math.min(ordered.size(), i + n))));
            i += n;
            if (random.nextInt(4) == 0) {
                (random.nextBoolean() ? derivedA : derivedB).refresh(List.of());
            }
        }
        derivedB.refresh(List.of());
    }
}

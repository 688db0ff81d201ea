package cn.xinan.dashboards;

import cn.xinan.collector.figures.FiguresSettings;
import cn.xinan.collector.figures.FiguresWriter;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxFigures;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import java.time.Clock;
import java.time.ZoneOffset;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignedEvent;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The known data every query test runs on, written through the collector's own {@code InfluxEventStore}, so the
 * dashboards are tested against exactly the points the collector writes (database and retention policy "xinan",
 * the collector's defaults). All times are local (Asia/Shanghai) unless they end in Z.
 *
 * <pre>
 * jm-db-001-r1, device dev-db-001-a, Mon 2025-03-03 (the docs/rules.md §8 worked example, plus):
 *   07:50 boot power_on (previous run alive 2025-03-02 18:00)     heartbeats 07:51–10:59 every minute
 *   08:00 staff_open   presence occupied 08:00, vacant 08:20, occupied 09:10, vacant 10:00    10:00 staff_close
 *   (outage: nothing 11:00–12:29)   12:30 boot power_on (previous run alive 10:59)   heartbeats 12:31–Tue 00:30
 *   15:00 staff_open   occupied 15:00, vacant 15:05   15:20 check-in individual/junior   15:25 check-in group/junior
 *   15:40 staff_close   23:30 check-in (no purpose)/senior   Tue 2025-03-04 00:30 check-in individual/primary
 *   every event of this device is appended twice (a re-delivery): stored once
 * jm-db-002-r1, device dev-db-002-a:
 *   Mon 08:00 boot power_on (first boot)   heartbeats 08:01–12:58   13:00 boot watchdog (previous 12:58)
 *   heartbeats 13:01–13:10   Wed 2025-03-05 09:00 staff_open, 09:30 check-in relaxation/(no stage), 10:00 staff_close
 * jm-dd-001-r1, device dev-dd-001-a:
 *   Mon 07:55 boot and heartbeats 07:56, 07:57, 07:58 recorded with an unsynchronised clock; heartbeats 08:00–08:30
 * quarantine (receive times): 2025-03-03T01:00Z and 01:20Z bad_signature (dev-db-001-a), 02:10Z malformed
 *   (no device), 2025-03-04T03:00Z unknown_device (dev-zz-999)
 * </pre>
 */
final class KnownData {
    static final ZoneId LOCAL = ZoneId.of("Asia/Shanghai");
    static final String DATABASE = "xinan";
    static final String RETENTION_POLICY = "xinan";
    /** Where the collector writes the day summaries and the figures: store.influxdb.derived-retention-policy. */
    static final String DERIVED_RETENTION_POLICY = "xinan_derived";
    static final LocalDate MON = LocalDate.of(2025, 3, 3);
    static final LocalDate TUE = MON.plusDays(1);
    static final LocalDate WED = MON.plusDays(2);
    /** The week 2025-W10 as Grafana sends it: from Monday 00:00 to Sunday 23:59:59.999 local. */
    static final Instant WEEK_FROM = MON.atStartOfDay(LOCAL).toInstant();
    static final Instant WEEK_TO = MON.plusDays(7).atStartOfDay(LOCAL).toInstant().minusMillis(1);

    static final String R1 = "jm-db-001-r1";
    static final String R2 = "jm-db-002-r1";
    static final String R3 = "jm-dd-001-r1";
    static final String D1 = "dev-db-001-a";
    static final String D2 = "dev-db-002-a";
    static final String D3 = "dev-dd-001-a";

    private static final SecureRandom RANDOM = new SecureRandom();

    /** The last sequence number of each device, for the last-sign-of-life table. */
    long lastSeqD1;
    long lastSeqD2;
    long lastSeqD3;

    static Instant at(LocalDate day, int hour, int minute) {
        return day.atTime(LocalTime.of(hour, minute)).atZone(LOCAL).toInstant();
    }

    /** The retention policy the collector writes {@code measurement} to: the events' or the derived one. */
    static String retentionPolicyOf(String measurement) {
        return measurement.equals("events") || measurement.equals("quarantine") ? RETENTION_POLICY : DERIVED_RETENTION_POLICY;
    }

    /** Writes everything into the InfluxDB at {@code url} through the collector's store. */
    static KnownData writeTo(String url) {
        KnownData data = new KnownData();
        try (EventStore store = new StoreSettings.Influx(url, DATABASE, RETENTION_POLICY, "INF",
                DERIVED_RETENTION_POLICY, "INF", null, null).open()) {
            data.write(store);
            writeFigures((InfluxEventStore) store);
        }
        return data;
    }

    /**
     * The registry of the three rooms: jm-db-001-r1 东宝区 示范, jm-db-002-r1 东宝区 合格, jm-dd-001-r1 掇刀区 未评定.
     */
    static final Registry REGISTRY = new Registry(List.of(
            new RoomRecord("东宝区", "jm-db-001", R1, Tier.DEMONSTRATION, "东宝一小心理辅导室"),
            new RoomRecord("东宝区", "jm-db-002", R2, Tier.QUALIFIED, "东宝二小心理辅导室"),
            new RoomRecord("掇刀区", "jm-dd-001", R3, Tier.UNRATED, "掇刀一中心理辅导室")), List.of());

    /**
     * The derived figures, written by the collector's own FiguresWriter over these events (every working day a school
     * day, weeks-back 1) as a running collector would: on Sunday 2025-03-09 12:00 (the week in progress, the registry
     * snapshot of that day) and on Monday 2025-03-10 10:00 (W10 now finished, overwritten; W11 in progress).
     */
    private static void writeFigures(InfluxEventStore store) {
        VerdictService verdicts = new VerdictService(store, REGISTRY, RuleSettings.defaults(),
                SchoolCalendar.of(NationalCalendar.bundled()));
        for (Instant now : List.of(at(MON.plusDays(6), 12, 0), at(MON.plusDays(7), 10, 0))) {
            new FiguresWriter(verdicts, REGISTRY, new InfluxFigures(store), new FiguresSettings(300, 1),
                    Clock.fixed(now, ZoneOffset.UTC)).runOnce();
        }
    }

    private void write(EventStore store) {
        Device d1 = new Device(D1, R1);
        d1.add(at(MON, 7, 50), new EventBody.Boot("power_on", at(MON.minusDays(1), 18, 0)));
        d1.heartbeats(at(MON, 7, 51), at(MON, 10, 59));
        d1.add(at(MON, 8, 0), new EventBody.StaffOpen("t01"));
        d1.add(at(MON, 8, 0), new EventBody.Presence(true));
        d1.add(at(MON, 8, 20), new EventBody.Presence(false));
        d1.add(at(MON, 9, 10), new EventBody.Presence(true));
        d1.add(at(MON, 10, 0), new EventBody.StaffClose("t01"));
        d1.add(at(MON, 10, 0), new EventBody.Presence(false));
        d1.add(at(MON, 12, 30), new EventBody.Boot("power_on", at(MON, 10, 59)));
        d1.heartbeats(at(MON, 12, 31), at(TUE, 0, 30));
        d1.add(at(MON, 15, 0), new EventBody.StaffOpen("t01"));
        d1.add(at(MON, 15, 0), new EventBody.Presence(true));
        d1.add(at(MON, 15, 5), new EventBody.Presence(false));
        d1.add(at(MON, 15, 20), new EventBody.CheckIn(Purpose.INDIVIDUAL, Stage.JUNIOR));
        d1.add(at(MON, 15, 25), new EventBody.CheckIn(Purpose.GROUP, Stage.JUNIOR));
        d1.add(at(MON, 15, 40), new EventBody.StaffClose("t01"));
        d1.add(at(MON, 23, 30), new EventBody.CheckIn(null, Stage.SENIOR));
        d1.add(at(TUE, 0, 30), new EventBody.CheckIn(Purpose.INDIVIDUAL, Stage.PRIMARY));
        lastSeqD1 = d1.seq;

        Device d2 = new Device(D2, R2);
        d2.add(at(MON, 8, 0), new EventBody.Boot("power_on", null));
        d2.heartbeats(at(MON, 8, 1), at(MON, 12, 58));
        d2.add(at(MON, 13, 0), new EventBody.Boot("watchdog", at(MON, 12, 58)));
        d2.heartbeats(at(MON, 13, 1), at(MON, 13, 10));
        d2.add(at(WED, 9, 0), new EventBody.StaffOpen("t02"));
        d2.add(at(WED, 9, 30), new EventBody.CheckIn(Purpose.RELAXATION, null));
        d2.add(at(WED, 10, 0), new EventBody.StaffClose("t02"));
        lastSeqD2 = d2.seq;

        Device d3 = new Device(D3, R3);
        d3.add(at(MON, 7, 55), false, new EventBody.Boot("power_on", null));
        for (int minute = 56; minute <= 58; minute++) {
            d3.add(at(MON, 7, minute), false, new EventBody.Heartbeat());
        }
        d3.heartbeats(at(MON, 8, 0), at(MON, 8, 30));
        lastSeqD3 = d3.seq;

        Instant received = at(WED, 12, 0);
        List<StoredEvent> d1Events = d1.stored(received);
        store.append(d1Events);
        store.append(d1Events); // re-delivered: must be stored once
        store.append(d2.stored(received));
        store.append(d3.stored(received));

        store.quarantine(List.of(
                quarantined(D1 + "/events", D1, QuarantineReason.BAD_SIGNATURE, Instant.parse("2025-03-03T01:00:00Z")),
                quarantined(D1 + "/events", D1, QuarantineReason.BAD_SIGNATURE, Instant.parse("2025-03-03T01:20:00Z")),
                quarantined("x/events", null, QuarantineReason.MALFORMED, Instant.parse("2025-03-03T02:10:00Z")),
                quarantined("dev-zz-999/events", "dev-zz-999", QuarantineReason.UNKNOWN_DEVICE,
                        Instant.parse("2025-03-04T03:00:00Z"))));
    }

    private static QuarantinedMessage quarantined(String topic, String device, QuarantineReason reason, Instant at) {
        return QuarantinedMessage.of(topic, device, reason, "test: " + reason.code(), at,
                "{\"not\":\"an event\"}".getBytes(StandardCharsets.UTF_8));
    }

    /** A device: its own key and sequence, events signed as the firmware signs them. */
    private static final class Device {
        private final String id;
        private final String room;
        private final EventSigner signer = new EventSigner(Ed25519Keys.generate(RANDOM));
        private final List<SignedEvent> events = new ArrayList<>();
        long seq;

        Device(String id, String room) {
            this.id = id;
            this.room = room;
        }

        void add(Instant at, EventBody body) {
            add(at, true, body);
        }

        void add(Instant at, boolean synced, EventBody body) {
            seq++;
            UUID eventId = UUID.nameUUIDFromBytes((id + "/" + seq).getBytes(StandardCharsets.UTF_8));
            events.add(signer.sign(new DeviceEvent(eventId.toString(), id, seq, at, synced, body)));
        }

        /** A heartbeat every minute from {@code first} to {@code last}, both included. */
        void heartbeats(Instant first, Instant last) {
            for (Instant t = first; !t.isAfter(last); t = t.plusSeconds(60)) {
                add(t, new EventBody.Heartbeat());
            }
        }

        List<StoredEvent> stored(Instant receivedAt) {
            return events.stream().map(e -> new StoredEvent(e, room, receivedAt)).toList();
        }
    }
}

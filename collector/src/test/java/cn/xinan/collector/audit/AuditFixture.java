package cn.xinan.collector.audit;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.EventBody;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.wire.SignedEvent;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A store holding the worked example of docs/rules.md §8 for room r1 (示范, school jm-db-001) on Monday
 * 2025-03-03 plus two events of a not yet synchronised clock on the Tuesday, nothing for room r2 (合格), and
 * two heartbeats on the Monday for room r3 (示范, another county and school).
 */
final class AuditFixture implements AutoCloseable {
    static final LocalDate FROM = LocalDate.of(2025, 3, 3);
    static final LocalDate TO = LocalDate.of(2025, 3, 9);
    static final Instant NOW = Instant.parse("2025-03-10T02:00:00Z");
    /** 示范 rooms need 2 h a day and 12 h a week here, to show the tier's thresholds are used. */
    static final RuleSettings SETTINGS = RuleSettings.defaults().withThresholds(Tier.DEMONSTRATION, new Thresholds(7_200, 43_200));

    final TestDevice d1 = new TestDevice("dev-1", "r1");
    final TestDevice d2 = new TestDevice("dev-2", "r2");
    final TestDevice d3 = new TestDevice("dev-3", "r3");
    final Registry registry = new Registry(
            List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "东宝实验小学心理辅导室"),
                    new RoomRecord("东宝区", "jm-db-002", "r2", Tier.QUALIFIED, "东宝区第二中学心理辅导室, 二楼"),
                    new RoomRecord("掇刀区", "jm-dd-001", "r3", Tier.DEMONSTRATION, "掇刀区实验初级中学心理辅导室")),
            List.of(d1.record(), d2.record(), d3.record()));
    final EventStore store;
    final SchoolCalendars calendars = SchoolCalendars.uniform(SchoolCalendar.of(NationalCalendar.bundled()));
    final VerdictService verdicts;
    final AuditService audits;

    AuditFixture(Path dir) {
        this(SqliteEventStore.open(dir.resolve("events.db")));
    }

    /** The example in {@code store} (empty; closed with the fixture). */
    AuditFixture(EventStore store) {
        this.store = store;
        Instant received = Instant.parse("2025-03-04T09:00:00Z");
        List<SignedEvent> r1 = new ArrayList<>(WorkedExample.events(d1));
        r1.add(d1.event(Instant.parse("2025-03-04T01:00:00Z"), false, new EventBody.StaffOpen("T01")));
        r1.add(d1.event(Instant.parse("2025-03-04T03:00:00Z"), false, new EventBody.StaffClose("T01")));
        store.append(r1.stream().map(e -> new StoredEvent(e, "r1", received)).toList());
        store.append(List.of(new StoredEvent(d3.heartbeat(Instant.parse("2025-03-03T01:00:00Z")), "r3", received),
                new StoredEvent(d3.heartbeat(Instant.parse("2025-03-03T01:01:00Z")), "r3", received)));
        verdicts = new VerdictService(store, registry, SETTINGS, calendars);
        audits = new AuditService(store, registry, verdicts, calendars, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Override
    public void close() {
        store.close();
    }
}

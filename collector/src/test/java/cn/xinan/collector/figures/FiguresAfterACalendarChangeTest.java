package cn.xinan.collector.figures;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxFigures;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.collector.verdict.DerivedResults;
import cn.xinan.collector.verdict.SchoolCalendars;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.testing.InfluxServerPerClass;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;

import static cn.xinan.collector.figures.FiguresWriterTest.byKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A calendar or settings change reaches the figures of older weeks (docs/scale.md, "Calendar and settings"), against a
 * real InfluxDB with the collector's own code: figures written on Tuesday 2025-03-11 for the weeks of 2025-02-24 (W09),
 * 2025-03-03 (W10) and 2025-03-10 (W11, in progress); then, on Tuesday 2025-03-25 (weeks-back 1: the run itself writes
 * W12 and W13), a closure declared on Monday 2025-03-03 for one school, then new thresholds and a new unattended gap.
 * Room r1 (school jm-db-001) has the docs/rules.md §8 worked example on 2025-03-03 (a day met); r2 and r3 are other
 * schools' rooms without events.
 */
class FiguresAfterACalendarChangeTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final Instant WRITTEN = Instant.parse("2025-03-11T02:00:00Z");   // Tue 10:00 local, W11
    private static final Instant LATER = Instant.parse("2025-03-25T02:00:00Z");     // Tue 10:00 local, W13
    private static final LocalDate W09 = LocalDate.of(2025, 2, 24);
    private static final LocalDate W10 = LocalDate.of(2025, 3, 3);
    private static final LocalDate W11 = LocalDate.of(2025, 3, 10);
    private static final LocalDate W12 = LocalDate.of(2025, 3, 17);
    private static final LocalDate W13 = LocalDate.of(2025, 3, 24);
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();

    private final String database = "xinan_recalendar_" + DATABASES.incrementAndGet();
    private final TestDevice d1 = new TestDevice("dev-1", "r1");
    private final Registry registry = new Registry(List.of(
            new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "东宝实验小学心理辅导室"),
            new RoomRecord("掇刀区", "jm-dd-001", "r2", Tier.QUALIFIED, "掇刀一中心理辅导室"),
            new RoomRecord("东宝区", "jm-db-002", "r3", Tier.UNRATED, "东宝二小心理辅导室")),
            List.of(d1.record()));
    private InfluxEventStore store;

    @TempDir
    Path dir;

    @BeforeEach
    void writeTheFirstFigures() throws Exception {
        store = (InfluxEventStore) new StoreSettings.Influx(INFLUX.server().url(), database, "xinan", "INF", null, null).open();
        store.append(WorkedExample.events(d1).stream().map(e -> new StoredEvent(e, "r1", WRITTEN)).toList());
        Recording sink = new Recording(new InfluxFigures(store));
        new FiguresWriter(verdicts(RuleSettings.defaults(), calendars(false)), registry, sink,
                new FiguresSettings(300, 2), Clock.fixed(WRITTEN, ZoneOffset.UTC)).runOnce();
        assertThat(sink.writes).containsExactly(new Write(Set.of("r1", "r2", "r3"), Set.of(W09, W10, W11)));
        assertThat(day("r1", W10)).containsEntry("verdict", "MET").containsEntry("schoolDay", true);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void aClosureDeclaredInAnOlderWeekRewritesThatWeekOfThatSchoolOnly() throws Exception {
        // a later run with the same calendar rewrites nothing old
        Recording unchanged = new Recording(new InfluxFigures(store));
        FiguresWriter before = writer(verdicts(RuleSettings.defaults(), calendars(false)), unchanged);
        before.runOnce();
        assertThat(unchanged.writes).containsExactly(new Write(Set.of("r1", "r2", "r3"), Set.of(W12, W13)));
        Map<String, Map<String, Object>> daysBefore = byKey(rows("room_day"), "room", "time");
        Map<String, Map<String, Object>> weeksBefore = byKey(rows("room_week"), "room", "time");

        // restart with the school's closure on 2025-03-03
        Recording sink = new Recording(new InfluxFigures(store));
        FiguresWriter after = writer(verdicts(RuleSettings.defaults(), calendars(true)), sink);
        after.runOnce();

        assertThat(sink.writes).containsExactly(new Write(Set.of("r1", "r2", "r3"), Set.of(W12, W13)),
                new Write(Set.of("r1"), Set.of(W10)));
        assertThat(day("r1", W10)).containsEntry("schoolDay", false).containsEntry("verdict", "NOT_REQUIRED")
                .containsEntry("required", 0L).containsEntry("attendedSeconds", 6600L);
        assertThat(week("r1", W10)).containsEntry("schoolDays", 4L).containsEntry("requiredSeconds", 28_800L)
                .containsEntry("complete", 1L);
        // nothing else changed: the other schools' W10, every room's W09 and W11
        Map<String, Map<String, Object>> daysAfter = byKey(rows("room_day"), "room", "time");
        Map<String, Map<String, Object>> weeksAfter = byKey(rows("room_week"), "room", "time");
        for (Map<String, Map<String, Object>> m : List.of(daysBefore, daysAfter, weeksBefore, weeksAfter)) {
            m.keySet().removeIf(k -> k.startsWith("r1|") && inW10(k));
        }
        assertThat(daysAfter).isEqualTo(daysBefore);
        assertThat(weeksAfter).isEqualTo(weeksBefore);

        // written once: the next run, and a replica with the same calendar, rewrite nothing old
        Recording again = new Recording(new InfluxFigures(store));
        writer(verdicts(RuleSettings.defaults(), calendars(true)), again).runOnce();
        assertThat(again.writes).containsExactly(new Write(Set.of("r1", "r2", "r3"), Set.of(W12, W13)));
    }

    @Test
    void newThresholdsAndANewGapRewriteEveryOlderWeekOnceTheSummariesFollow() throws Exception {
        RuleSettings changed = RuleSettings.defaults().withThresholdsForAllTiers(new Thresholds(7_200, 40_000))
                .withUnattendedGapSeconds(1_200);
        DerivedResults derived = new DerivedResults(store, changed);
        VerdictService verdicts = new VerdictService(derived, registry, calendars(false));

        // before the summaries are recomputed with the new gap, r1's W10 is refused (naming the day); the others go
        Recording first = new Recording(new InfluxFigures(store));
        assertThatThrownBy(() -> writer(verdicts, first).runOnce()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("figures of the weeks of [2025-03-03] not rewritten")
                .hasMessageContaining("2025-03-03");
        assertThat(first.writes).containsExactly(new Write(Set.of("r1", "r2", "r3"), Set.of(W12, W13)),
                new Write(Set.of("r1", "r2", "r3"), Set.of(W09)), new Write(Set.of("r1", "r2", "r3"), Set.of(W11)));
        assertThat(week("r2", W09)).containsEntry("requiredSeconds", 40_000L);
        assertThat(week("r1", W10)).containsEntry("requiredSeconds", 36_000L);

        // the collector's derivation brings the summaries in line at its start; the next run rewrites W10 only
        assertThat(derived.reconcileSettings()).isPositive();
        Recording second = new Recording(new InfluxFigures(store));
        writer(verdicts, second).runOnce();
        assertThat(second.writes).containsExactly(new Write(Set.of("r1", "r2", "r3"), Set.of(W12, W13)),
                new Write(Set.of("r1", "r2", "r3"), Set.of(W10)));
        RoomReport expected = verdicts.room("r1", W10, W10.plusDays(6));
        DayResult monday = expected.days().get(0);
        assertThat(day("r1", W10)).containsEntry("attendedSeconds", monday.attendedSeconds())
                .containsEntry("verdict", monday.verdict().name());
        assertThat(monday.verdict().name()).isEqualTo("NOT_MET");   // 6,600 s attended < 7,200 s
        assertThat(week("r1", W10)).containsEntry("requiredSeconds", 40_000L);
    }

    private FiguresWriter writer(VerdictService verdicts, FiguresSink sink) {
        return new FiguresWriter(verdicts, registry, sink, new FiguresSettings(300, 1), Clock.fixed(LATER, ZoneOffset.UTC));
    }

    private VerdictService verdicts(RuleSettings settings, SchoolCalendars calendars) {
        return new VerdictService(store, registry, settings, calendars);
    }

    /** The bundled national calendar; with {@code closure}, school jm-db-001 declares 2025-03-03 closed. */
    private SchoolCalendars calendars(boolean closure) {
        if (!closure) {
            return SchoolCalendars.load(new CalendarSources(Optional.empty(), Optional.empty(), Optional.empty()));
        }
        try {
            Path schools = Files.createDirectories(dir.resolve("schools"));
            Files.writeString(schools.resolve("jm-db-001.json"), "{\"closures\":[\"2025-03-03\"]}");
            return SchoolCalendars.load(new CalendarSources(Optional.empty(), Optional.empty(), Optional.of(schools)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean inW10(String key) {
        LocalDate day = LocalDate.ofInstant(Instant.parse(key.substring(key.indexOf('|') + 1)), RulesEngine.ZONE);
        return !day.isBefore(W10) && day.isBefore(W11);
    }

    private List<Map<String, Object>> rows(String measurement) throws Exception {
        return FiguresWriterTest.rows(INFLUX.server(), database, measurement);
    }

    private Map<String, Object> day(String room, LocalDate day) throws Exception {
        return byKey(rows("room_day"), "room", "time").get(room + "|" + midnight(day));
    }

    private Map<String, Object> week(String room, LocalDate monday) throws Exception {
        return byKey(rows("room_week"), "room", "time").get(room + "|" + midnight(monday));
    }

    private static String midnight(LocalDate day) {
        return day.atStartOfDay(RulesEngine.ZONE).toInstant().toString();
    }

    /** One call of {@link FiguresSink#write}: its rooms and the Mondays of the days it wrote. */
    record Write(Set<String> rooms, Set<LocalDate> weeks) {
    }

    /** The InfluxDB sink, recording which rooms and weeks each write carried. */
    private static final class Recording implements FiguresSink {
        private final FiguresSink sink;
        final List<Write> writes = new ArrayList<>();

        Recording(FiguresSink sink) {
            this.sink = sink;
        }

        @Override
        public void write(List<RoomRecord> rooms, List<RoomReport> reports, LocalDate today) {
            Set<String> ids = new TreeSet<>();
            Set<LocalDate> weeks = new TreeSet<>();
            for (RoomReport r : reports) {
                ids.add(r.room());
                for (DayResult d : r.days()) {
                    if (!d.date().isAfter(today)) {
                        weeks.add(cn.xinan.rules.WeekResult.mondayOf(d.date()));
                    }
                }
            }
            writes.add(new Write(ids, weeks));
            sink.write(rooms, reports, today);
        }

        @Override
        public Map<SchoolWeek, String> bases() {
            return new HashMap<>(sink.bases());
        }

        @Override
        public void writeBases(Map<SchoolWeek, String> bases) {
            sink.writeBases(bases);
        }
    }
}

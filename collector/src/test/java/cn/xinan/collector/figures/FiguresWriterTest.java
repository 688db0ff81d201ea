package cn.xinan.collector.figures;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxFigures;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.WeekResult;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.testing.InfluxServer;
import cn.xinan.testing.InfluxServerPerClass;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The derived figures against a real InfluxDB, written by the collector's own code ({@link FiguresWriter} over
 * {@link InfluxFigures} over {@link InfluxEventStore}) from the docs/rules.md §8 worked example.
 *
 * <p>Three rooms: r1 (东宝区, 示范) has the worked example on Monday 2025-03-03; r2 (掇刀区, 合格) has a device that
 * recorded nothing; r3 (东宝区, another school, 未评定) has no device. "Now" is Tuesday 2025-03-04 10:00 local, weeks-back
 * 1: the days 2025-02-24 to 2025-03-04 (9 per room) and the weeks 2025-W09 and 2025-W10 (in progress).
 */
class FiguresWriterTest {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2025-03-04T02:00:00Z");   // Tue 10:00 Asia/Shanghai
    private static final LocalDate TODAY = LocalDate.of(2025, 3, 4);
    @RegisterExtension
    static final InfluxServerPerClass INFLUX = new InfluxServerPerClass();

    private final String database = "xinan_figures_" + DATABASES.incrementAndGet();
    private final TestDevice d1 = new TestDevice("dev-1", "r1");
    private final TestDevice d2 = new TestDevice("dev-2", "r2");
    private final Registry registry = new Registry(List.of(
            new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "东宝实验小学心理辅导室"),
            new RoomRecord("掇刀区", "jm-dd-001", "r2", Tier.QUALIFIED, "掇刀一中心理辅导室"),
            new RoomRecord("东宝区", "jm-db-002", "r3", Tier.UNRATED, "东宝二小心理辅导室")),
            List.of(d1.record(), d2.record()));
    private InfluxEventStore store;
    private VerdictService verdicts;

    @BeforeEach
    void openStore() {
        store = (InfluxEventStore) new StoreSettings.Influx(INFLUX.server().url(), database, "xinan", "INF", null, null).open();
        append(store, WorkedExample.events(d1).stream().map(e -> new StoredEvent(e, "r1", NOW)).toList());
        verdicts = new VerdictService(store, registry, RuleSettings.defaults(), SchoolCalendar.of(NationalCalendar.bundled()));
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    private static void append(EventStore store, List<StoredEvent> events) {
        store.append(events);
    }

    private FiguresWriter writer(int intervalSeconds) {
        return new FiguresWriter(verdicts, registry, new InfluxFigures(store), new FiguresSettings(intervalSeconds, 1),
                Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void theFiguresWrittenAreExactlyTheVerdictServicesDaysAndWeeks() throws Exception {
        FiguresWriter.Period period = writer(300).runOnce();

        assertThat(period).isEqualTo(new FiguresWriter.Period(LocalDate.of(2025, 2, 24), TODAY));
        List<RoomReport> expected = verdicts.rooms(List.of(), LocalDate.of(2025, 2, 24), LocalDate.of(2025, 3, 9));
        Map<String, Map<String, Object>> days = byKey(rows("room_day"), "room", "time");
        Map<String, Map<String, Object>> weeks = byKey(rows("room_week"), "room", "time");
        assertThat(days).hasSize(3 * 9);
        assertThat(weeks).hasSize(3 * 2);
        for (RoomReport report : expected) {
            RoomRecord room = registry.room(report.room()).orElseThrow();
            for (DayResult day : report.days()) {
                Map<String, Object> row = days.get(report.room() + "|" + midnight(day.date()));
                if (day.date().isAfter(TODAY)) {
                    assertThat(row).as("no figure for %s, not begun", day.date()).isNull();
                    continue;
                }
                assertThat(row).as("room %s day %s", report.room(), day.date()).isNotNull();
                Map<String, Object> want = new LinkedHashMap<>(tags(room));
                want.put("schoolDay", day.schoolDay());
                want.put("openSeconds", day.openSeconds());
                want.put("attendedSeconds", day.attendedSeconds());
                want.put("checkins", (long) day.checkins());
                want.put("verdict", day.verdict().name());
                want.put("met", day.verdict() == Verdict.MET ? 1L : 0L);
                want.put("required", day.verdict().isRequired() ? 1L : 0L);
                want.put("complete", day.date().isBefore(TODAY) ? 1L : 0L);
                want.put("time", midnight(day.date()));
                assertThat(row).isEqualTo(want);
            }
            for (WeekResult week : report.weeks()) {
                LocalDate monday = week.week().equals("2025-W09") ? LocalDate.of(2025, 2, 24) : LocalDate.of(2025, 3, 3);
                Map<String, Object> row = weeks.get(report.room() + "|" + midnight(monday));
                assertThat(row).as("room %s week %s", report.room(), week.week()).isNotNull();
                Map<String, Object> want = new LinkedHashMap<>(tags(room));
                want.put("week", week.week());
                want.put("schoolDays", (long) week.schoolDays());
                want.put("requiredSeconds", week.requiredSeconds());
                want.put("attendedSeconds", week.attendedSeconds());
                want.put("verdict", week.verdict().name());
                want.put("met", week.verdict() == Verdict.MET ? 1L : 0L);
                want.put("required", week.verdict().isRequired() ? 1L : 0L);
                want.put("complete", week.week().equals("2025-W09") ? 1L : 0L);
                want.put("time", midnight(monday));
                assertThat(row).isEqualTo(want);
            }
        }
        // the worked example itself, independent of the engine's answer above
        Map<String, Object> monday = days.get("r1|2025-03-02T16:00:00Z");
        assertThat(monday).containsEntry("attendedSeconds", 6600L).containsEntry("openSeconds", 9600L)
                .containsEntry("checkins", 1L).containsEntry("verdict", "MET").containsEntry("met", 1L)
                .containsEntry("required", 1L).containsEntry("complete", 1L).containsEntry("tier", "示范")
                .containsEntry("county", "东宝区").containsEntry("school", "jm-db-001");
        assertThat(days.get("r2|2025-03-02T16:00:00Z")).containsEntry("verdict", "NO_DATA").containsEntry("met", 0L)
                .containsEntry("required", 1L);
        assertThat(days.get("r1|2025-03-01T16:00:00Z")).containsEntry("verdict", "NOT_REQUIRED")
                .containsEntry("required", 0L).containsEntry("schoolDay", false);
        assertThat(days.get("r1|2025-03-03T16:00:00Z")).containsEntry("verdict", "NO_DATA").containsEntry("complete", 0L);
        assertThat(weeks.get("r1|2025-03-02T16:00:00Z")).containsEntry("week", "2025-W10")
                .containsEntry("attendedSeconds", 6600L).containsEntry("requiredSeconds", 36000L)
                .containsEntry("verdict", "NOT_MET").containsEntry("complete", 0L);
        assertThat(weeks.get("r1|2025-02-23T16:00:00Z")).containsEntry("verdict", "NO_DATA").containsEntry("schoolDays", 5L);

        Map<String, Map<String, Object>> rooms = byKey(rows("rooms"), "room", "time");
        Map<String, Object> r1 = new LinkedHashMap<>(tags(registry.room("r1").orElseThrow()));
        r1.putAll(Map.of("one", 1L, "qualified", 1L, "demonstration", 1L, "time", "2025-03-03T16:00:00Z"));
        Map<String, Object> r2 = new LinkedHashMap<>(tags(registry.room("r2").orElseThrow()));
        r2.putAll(Map.of("one", 1L, "qualified", 1L, "demonstration", 0L, "time", "2025-03-03T16:00:00Z"));
        Map<String, Object> r3 = new LinkedHashMap<>(tags(registry.room("r3").orElseThrow()));
        r3.putAll(Map.of("one", 1L, "qualified", 0L, "demonstration", 0L, "time", "2025-03-03T16:00:00Z"));
        assertThat(rooms).isEqualTo(Map.of("r1|2025-03-03T16:00:00Z", r1, "r2|2025-03-03T16:00:00Z", r2,
                "r3|2025-03-03T16:00:00Z", r3));
        // the events are untouched by the figures
        assertThat(store.eventCount()).isEqualTo(WorkedExample.events(new TestDevice("x", "r1")).size());
    }

    @Test
    void aSecondRunOverwritesRatherThanAdds() throws Exception {
        FiguresWriter writer = writer(300);
        writer.runOnce();
        Map<String, Map<String, Object>> first = byKey(rows("room_day"), "room", "time");
        assertThat(first.get("r2|2025-03-02T16:00:00Z")).containsEntry("verdict", "NO_DATA");

        // late events: r2's device delivers its Monday (the worked example) after the first run
        append(store, WorkedExample.events(d2).stream().map(e -> new StoredEvent(e, "r2", NOW)).toList());
        writer.runOnce();

        List<Map<String, Object>> second = rows("room_day");
        assertThat(second).hasSize(first.size());
        assertThat(rows("room_week")).hasSize(6);
        assertThat(rows("rooms")).hasSize(3);
        Map<String, Map<String, Object>> after = byKey(second, "room", "time");
        assertThat(after.get("r2|2025-03-02T16:00:00Z")).containsEntry("verdict", "MET").containsEntry("met", 1L)
                .containsEntry("attendedSeconds", 6600L);
        assertThat(sum("room_day", "met")).isEqualTo(2);
        // every other figure is as before
        after.remove("r2|2025-03-02T16:00:00Z");
        first.remove("r2|2025-03-02T16:00:00Z");
        assertThat(after).isEqualTo(first);
    }

    @Test
    void aFailingInfluxDbIsLoggedAsAWarningAndTheNextRunRetries() throws Exception {
        List<LogRecord> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel().intValue() >= Level.WARNING.intValue()) {
                    warnings.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(FiguresWriter.class.getName());
        logger.addHandler(handler);
        try (InfluxServer own = InfluxServer.startServer()) {
            InfluxEventStore ownStore = (InfluxEventStore) new StoreSettings.Influx(own.url(), "xinan", "xinan", "INF",
                    null, null).open();
            try {
                append(ownStore, WorkedExample.events(d1).stream().map(e -> new StoredEvent(e, "r1", NOW)).toList());
                VerdictService ownVerdicts = new VerdictService(ownStore, registry, RuleSettings.defaults(),
                        SchoolCalendar.of(NationalCalendar.bundled()));
                own.kill();
                try (FiguresWriter writer = new FiguresWriter(ownVerdicts, registry, new InfluxFigures(ownStore),
                        new FiguresSettings(1, 1), Clock.fixed(NOW, ZoneOffset.UTC)).start()) {
                    await().atMost(Duration.ofSeconds(60)).until(() -> writer.failedRuns() >= 2);
                    assertThat(writer.successfulRuns()).isZero();
                    assertThat(warnings).isNotEmpty();
                    assertThat(warnings.get(0).getMessage()).contains("derived figures not written");

                    own.start();
                    await().atMost(Duration.ofSeconds(60)).until(() -> writer.successfulRuns() >= 1);
                    Map<String, Map<String, Object>> days = byKey(rows(own, "xinan", "room_day"), "room", "time");
                    assertThat(days.get("r1|2025-03-02T16:00:00Z")).containsEntry("verdict", "MET")
                            .containsEntry("attendedSeconds", 6600L);
                    assertThat(days).hasSize(27);
                }
            } finally {
                ownStore.close();
            }
        } finally {
            logger.removeHandler(handler);
        }
    }

    private static Map<String, Object> tags(RoomRecord room) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("county", room.county());
        m.put("school", room.school());
        m.put("room", room.roomId());
        m.put("tier", room.tier().chineseName());
        return m;
    }

    private static String midnight(LocalDate day) {
        return day.atStartOfDay(RulesEngine.ZONE).toInstant().toString();
    }

    private long sum(String measurement, String field) throws Exception {
        JsonNode answer = JSON.readTree(INFLUX.server().query(database,
                "SELECT sum(\"" + field + "\") FROM \"xinan_derived\".\"" + measurement + "\""));
        return answer.path("results").get(0).path("series").get(0).path("values").get(0).get(1).asLong();
    }

    private List<Map<String, Object>> rows(String measurement) throws Exception {
        return rows(INFLUX.server(), database, measurement);
    }

    /**
     * Every point of the measurement in the derived retention policy "xinan_derived" (the figures are kept with the
     * day summaries, longer than the events), columns by name, integers as longs.
     */
    static List<Map<String, Object>> rows(InfluxServer server, String db, String measurement) throws Exception {
        JsonNode answer = JSON.readTree(server.query(db, "SELECT * FROM \"xinan_derived\".\"" + measurement + "\""));
        List<Map<String, Object>> out = new ArrayList<>();
        JsonNode series = answer.path("results").get(0).path("series");
        if (series.isMissingNode()) {
            return out;
        }
        for (JsonNode s : series) {
            List<String> columns = new ArrayList<>();
            s.path("columns").forEach(c -> columns.add(c.asText()));
            for (JsonNode values : s.path("values")) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < columns.size(); i++) {
                    JsonNode v = values.get(i);
                    Object value = v.isNull() ? null : v.isBoolean() ? (Object) v.asBoolean()
                            : v.isNumber() ? (Object) v.asLong() : v.asText();
                    if (value != null) {
                        row.put(columns.get(i), value);
                    }
                }
                out.add(row);
            }
        }
        return out;
    }

    static Map<String, Map<String, Object>> byKey(List<Map<String, Object>> rows, String a, String b) {
        Map<String, Map<String, Object>> out = new HashMap<>();
        for (Map<String, Object> row : rows) {
            Object previous = out.put(row.get(a) + "|" + row.get(b), row);
            assertThat(previous).as("one point per %s and %s", a, b).isNull();
        }
        return out;
    }
}

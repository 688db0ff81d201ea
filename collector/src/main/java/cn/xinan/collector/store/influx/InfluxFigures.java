package cn.xinan.collector.store.influx;

import cn.xinan.collector.figures.FiguresSink;
import cn.xinan.collector.figures.SchoolWeek;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.WeekResult;
import org.influxdb.dto.Point;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Writes derived figures into the event store's database and derived retention policy
 * ({@code store.influxdb.derived-retention-policy}, beside the day summaries, kept longer than the events;
 * docs/collector.md, "Derived figures"):
 *
 * <pre>
 * room_day   tags county, school, room, tier; time = the local day's 00:00 Asia/Shanghai
 *            fields schoolDay (bool), openSeconds, attendedSeconds, checkins, verdict (string), met, required, complete
 * room_week  same tags; time = the week's Monday 00:00 local
 *            fields week ("2025-W10"), schoolDays, requiredSeconds, attendedSeconds, verdict, met, required, complete
 * rooms      same tags; time = the write's local day 00:00; fields one = 1, qualified (合格 or 示范: 1), demonstration (示范: 1)
 * figures_basis  tag school; time = the week's Monday 00:00 local; field basis (what the school's figures of that week
 *            were written with: {@link cn.xinan.collector.verdict.VerdictService#weekBasis}; not read by the dashboards)
 * </pre>
 * {@code met}, {@code required} and {@code complete} are integers 0/1 so that a rate is {@code sum("met") / sum("required")}
 * (docs/rules.md §5: NO_DATA counts as not met, NOT_REQUIRED is excluded). One point per measurement, tags and time: a
 * recomputation overwrites its own points. The tier is the Chinese name (合格 / 示范 / 未评定).
 */
public final class InfluxFigures implements FiguresSink {
    public static final String ROOM_DAY = "room_day";
    public static final String ROOM_WEEK = "room_week";
    public static final String ROOMS = "rooms";
    public static final String FIGURES_BASIS = "figures_basis";

    private final InfluxEventStore store;

    public InfluxFigures(InfluxEventStore store) {
        this.store = Objects.requireNonNull(store, "store is missing");
    }

    @Override
    public void write(List<RoomRecord> rooms, List<RoomReport> reports, LocalDate today) {
        Map<String, RoomRecord> byId = new HashMap<>();
        for (RoomRecord r : rooms) {
            byId.put(r.roomId(), r);
        }
        List<Point> points = new ArrayList<>();
        for (RoomReport report : reports) {
            RoomRecord room = byId.get(report.room());
            if (room == null) {
                throw new IllegalArgumentException("report of room " + report.room() + " that is not in the snapshot");
            }
            for (DayResult day : report.days()) {
                if (day.date().isAfter(today)) {
                    continue;
                }
                points.add(tagged(Point.measurement(ROOM_DAY), room, day.date())
                        .addField("schoolDay", day.schoolDay())
                        .addField("openSeconds", day.openSeconds())
                        .addField("attendedSeconds", day.attendedSeconds())
                        .addField("checkins", (long) day.checkins())
                        .addField("verdict", day.verdict().name())
                        .addField("met", flag(day.verdict() == Verdict.MET))
                        .addField("required", flag(day.verdict().isRequired()))
                        .addField("complete", flag(day.date().isBefore(today)))
                        .build());
            }
            for (WeekResult week : report.weeks()) {
                LocalDate monday = mondayOf(week);
                if (monday.isAfter(today)) {
                    continue;
                }
                points.add(tagged(Point.measurement(ROOM_WEEK), room, monday)
                        .addField("week", week.week())
                        .addField("schoolDays", (long) week.schoolDays())
                        .addField("requiredSeconds", week.requiredSeconds())
                        .addField("attendedSeconds", week.attendedSeconds())
                        .addField("verdict", week.verdict().name())
                        .addField("met", flag(week.verdict() == Verdict.MET))
                        .addField("required", flag(week.verdict().isRequired()))
                        .addField("complete", flag(!monday.plusDays(7).isAfter(today)))
                        .build());
            }
        }
        for (RoomRecord room : rooms) {
            points.add(tagged(Point.measurement(ROOMS), room, today)
                    .addField("one", 1L)
                    .addField("qualified", flag(room.tier() == Tier.QUALIFIED || room.tier() == Tier.DEMONSTRATION))
                    .addField("demonstration", flag(room.tier() == Tier.DEMONSTRATION))
                    .build());
        }
        store.writeDerived(points);
    }

    @Override
    public Map<SchoolWeek, String> bases() {
        Map<SchoolWeek, String> out = new HashMap<>();
        for (InfluxEventStore.DerivedValue v : store.readDerived(FIGURES_BASIS, "school", "basis")) {
            LocalDate monday = LocalDate.ofInstant(Instant.ofEpochMilli(Math.floorDiv(v.timeNs(), 1_000_000L)),
                    RulesEngine.ZONE);
            out.put(new SchoolWeek(v.tag(), monday), v.value());
        }
        return out;
    }

    @Override
    public void writeBases(Map<SchoolWeek, String> bases) {
        List<Point> points = new ArrayList<>(bases.size());
        for (Map.Entry<SchoolWeek, String> b : bases.entrySet()) {
            long ms = b.getKey().monday().atStartOfDay(RulesEngine.ZONE).toInstant().toEpochMilli();
            points.add(Point.measurement(FIGURES_BASIS).time(ms * 1_000_000L, TimeUnit.NANOSECONDS)
                    .tag("school", b.getKey().school())
                    .addField("basis", b.getValue())
                    .build());
        }
        store.writeDerived(points);
    }

    private static Point.Builder tagged(Point.Builder p, RoomRecord room, LocalDate day) {
        long ms = day.atStartOfDay(RulesEngine.ZONE).toInstant().toEpochMilli();
        return p.time(ms * 1_000_000L, TimeUnit.NANOSECONDS)
                .tag("county", room.county())
                .tag("school", room.school())
                .tag("room", room.roomId())
                .tag("tier", room.tier().chineseName());
    }

    /** The Monday of an ISO week name such as 2025-W10. */
    static LocalDate mondayOf(WeekResult week) {
        int year = Integer.parseInt(week.week().substring(0, 4));
        int number = Integer.parseInt(week.week().substring(6));
        LocalDate jan4 = LocalDate.of(year, 1, 4);
        return WeekResult.mondayOf(jan4).plusWeeks(number - 1L);
    }

    private static long flag(boolean b) {
        return b ? 1L : 0L;
    }
}

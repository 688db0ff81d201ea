package cn.xinan.collector.audit;

import cn.xinan.collector.warnings.OpeningHours;
import cn.xinan.event.DeviceEvent;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekResult;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The exceptions an audit finds in a room's events rather than in its verdicts (docs/audit.md): a device offline
 * during the posted opening hours, and events that arrived late. Pure: the collector runs it on the stored events and
 * {@code xinan verify} again on the bundled ones, with the settings stated in the report.
 */
public final class EventExceptions {
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT);

    /** How a late-events exception ends when none of the verdicts it could change did change. */
    private static final String NO_VERDICT_CHANGED = "no verdict changed";

    private EventExceptions() {
    }

    /** Whether this is a late-events exception whose events changed the day's or the week's verdict. */
    public static boolean changedAVerdict(AuditException e) {
        return e.kind() == AuditException.Kind.LATE_EVENTS && !e.reason().endsWith(NO_VERDICT_CHANGED);
    }

    /**
     * The exceptions of one room, days in date order, offline before late on the same day.
     *
     * @param school      the room's school (for its opening hours)
     * @param tier        the room's tier
     * @param report      the engine's report of the room over {@code [from, to]}
     * @param events      every event the report was computed from (any order)
     * @param receivedAt  event id → when the collector received it (events missing here are never late)
     * @param calendar    the school's calendar the report was computed with
     * @param engine      the engine the report was computed with
     * @param settings    opening hours, offline and late thresholds
     * @param generatedAt when the audit was computed: time after it is not offline yet
     */
    public static List<AuditException> find(String school, Tier tier, RoomReport report, List<DeviceEvent> events,
                                            Map<String, Instant> receivedAt, SchoolCalendar calendar, RulesEngine engine,
                                            AuditSettings.ExceptionSettings settings, LocalDate from, LocalDate to,
                                            Instant generatedAt) {
        Objects.requireNonNull(report, "report is missing");
        Map<LocalDate, List<AuditException>> byDay = new TreeMap<>();
        offline(report, Alive.points(events), settings.hoursOf(school), settings.offlineAfter(), generatedAt, byDay);
        late(tier, report, events, receivedAt, calendar, engine, settings.lateAfter(), from, to, byDay);
        List<AuditException> out = new ArrayList<>();
        byDay.values().forEach(out::addAll);
        return out;
    }

    /**
     * The exceptions of one room without late events (the audit from derived results, docs/audit.md): the same
     * offline stretches as {@link #find} from the room's signs of life given as intervals, which equal those from every
     * event as long as no interval holds a silence of {@code settings.offlineAfter()} or more.
     *
     * @param alive the signs of life: every synchronised event as a point, or runs of them as one interval
     */
    public static List<AuditException> findOffline(String school, RoomReport report, Alive alive,
                                                   AuditSettings.ExceptionSettings settings, Instant generatedAt) {
        Objects.requireNonNull(report, "report is missing");
        Map<LocalDate, List<AuditException>> byDay = new TreeMap<>();
        offline(report, alive, settings.hoursOf(school), settings.offlineAfter(), generatedAt, byDay);
        List<AuditException> out = new ArrayList<>();
        byDay.values().forEach(out::addAll);
        return out;
    }

    /**
     * Whether {@link #find} counts an event as late: recorded with a synchronised clock on a local day of
     * {@code [from, to]} and received more than {@code lateAfter} after the end of that day.
     */
    public static boolean isLate(DeviceEvent e, Instant received, Duration lateAfter, LocalDate from, LocalDate to) {
        if (!e.clockSynced() || received == null) {
            return false;
        }
        LocalDate day = LocalDate.ofInstant(e.at(), RulesEngine.ZONE);
        Instant deadline = day.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant().plus(lateAfter);
        return received.isAfter(deadline) && !day.isBefore(from) && !day.isAfter(to);
    }

    /**
     * Signs of life as sorted, disjoint intervals {@code [start, end]} of epoch ms (a single event is an interval of
     * length zero).
     */
    public static final class Alive {
        private final long[] starts;
        private final long[] ends;

        private Alive(long[] starts, long[] ends) {
            this.starts = starts;
            this.ends = ends;
        }

        /** The times of the events the engine counts (those with a synchronised clock), each a point. */
        public static Alive points(List<DeviceEvent> events) {
            long[] times = events.stream().filter(DeviceEvent::clockSynced).mapToLong(e -> e.at().toEpochMilli())
                    .sorted().toArray();
            return new Alive(times, times);
        }

        /** Intervals {@code {start, end}} in any order, overlapping ones merged. */
        public static Alive intervals(List<long[]> intervals) {
            List<long[]> sorted = new ArrayList<>(intervals);
            sorted.sort((a, b) -> Long.compare(a[0], b[0]));
            long[] s = new long[sorted.size()];
            long[] e = new long[sorted.size()];
            int n = 0;
            for (long[] i : sorted) {
                if (i[1] < i[0]) {
                    throw new IllegalArgumentException("interval ends at " + i[1] + ", before its start " + i[0]);
                }
                if (n > 0 && i[0] <= e[n - 1]) {
                    e[n - 1] = Math.max(e[n - 1], i[1]);
                } else {
                    s[n] = i[0];
                    e[n] = i[1];
                    n++;
                }
            }
            return new Alive(Arrays.copyOf(s, n), Arrays.copyOf(e, n));
        }

        /**
         * Every silence of at least {@code minMs} inside {@code [from, to)} (epoch ms) as {@code {start, end}}, cut to
         * that range: between two signs of life, before the first and after the last.
         */
        public List<long[]> silences(long from, long to, long minMs) {
            List<long[]> out = new ArrayList<>();
            int k = firstEndingAtOrAfter(ends, from);
            long cursor = from;
            for (; k < starts.length && starts[k] < to; k++) {
                if (starts[k] - cursor >= minMs) {
                    out.add(new long[]{cursor, starts[k]});
                }
                cursor = Math.max(cursor, ends[k]);
            }
            if (to - cursor >= minMs) {
                out.add(new long[]{cursor, to});
            }
            return out;
        }
    }

    private static void offline(RoomReport report, Alive alive, OpeningHours hours, Duration min,
                                Instant generatedAt, Map<LocalDate, List<AuditException>> out) {
        long[] starts = alive.starts;
        long[] ends = alive.ends;
        for (DayResult d : report.days()) {
            if (!d.schoolDay() || d.verdict() == cn.xinan.rules.Verdict.NO_DATA) {
                continue; // a NO_DATA day is its own exception
            }
            long open = d.date().atTime(hours.start()).atZone(RulesEngine.ZONE).toInstant().toEpochMilli();
            long close = Math.min(d.date().atTime(hours.end()).atZone(RulesEngine.ZONE).toInstant().toEpochMilli(),
                    generatedAt.toEpochMilli());
            if (close <= open) {
                continue;
            }
            // from the last sign of life at or before the opening, every silence between two signs up to the close
            int first = firstEndingAtOrAfter(ends, open);
            long cursor = first > 0 ? ends[first - 1] : Long.MIN_VALUE;
            List<long[]> stretches = new ArrayList<>();
            for (int k = first; ; k++) {
                long t = k < starts.length ? starts[k] : Long.MAX_VALUE;
                long gapStart = Math.max(cursor, open);
                long gapEnd = Math.min(t, close);
                // a silence counts by its part inside the opening hours
                if (gapEnd - gapStart >= min.toMillis()) {
                    stretches.add(new long[]{gapStart, gapEnd});
                }
                if (t >= close || ends[k] >= close) {
                    break;
                }
                cursor = ends[k];
            }
            if (stretches.isEmpty()) {
                continue;
            }
            long total = stretches.stream().mapToLong(s -> s[1] - s[0]).sum() / 1000;
            List<String> parts = stretches.stream().map(s -> time(s[0]) + "–" + time(s[1])).toList();
            out.computeIfAbsent(d.date(), k -> new ArrayList<>()).add(new AuditException(d.date().toString(),
                    AuditException.Kind.DEVICE_OFFLINE,
                    "no sign of life from the room's devices during " + String.join(", ", parts) + " ("
                            + AuditRoom.hours(total) + " of the posted opening hours " + hours + ")",
                    "开放时间 " + hours + " 内设备无信号：" + String.join("、", parts) + "（共 " + AuditRoom.hoursZh(total) + "）"));
        }
    }

    /** The first interval ending at or after {@code at} (ends ascend: the intervals are disjoint and sorted). */
    private static int firstEndingAtOrAfter(long[] ends, long at) {
        int i = Arrays.binarySearch(ends, at);
        if (i >= 0) {
            while (i > 0 && ends[i - 1] == at) {
                i--;
            }
            return i;
        }
        return -i - 1;
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).atZone(RulesEngine.ZONE).toLocalTime().format(HH_MM);
    }

    private static void late(Tier tier, RoomReport report, List<DeviceEvent> events, Map<String, Instant> receivedAt,
                             SchoolCalendar calendar, RulesEngine engine, Duration lateAfter, LocalDate from, LocalDate to,
                             Map<LocalDate, List<AuditException>> out) {
        Map<LocalDate, List<DeviceEvent>> lateByDay = new TreeMap<>();
        List<DeviceEvent> onTime = new ArrayList<>(events.size());
        // the local day of the previous event, kept while events stay in it (they come in time order): a time-zone
        // conversion per event would cost more than the rest of this loop
        LocalDate day = null;
        Instant dayStart = Instant.MAX;
        Instant dayEnd = Instant.MIN;
        Instant deadline = Instant.MIN;
        for (DeviceEvent e : events) {
            Instant received = receivedAt.get(e.eventId());
            if (!e.clockSynced() || received == null) {
                onTime.add(e);
                continue;
            }
            if (e.at().isBefore(dayStart) || !e.at().isBefore(dayEnd)) {
                day = LocalDate.ofInstant(e.at(), RulesEngine.ZONE);
                dayStart = day.atStartOfDay(RulesEngine.ZONE).toInstant();
                dayEnd = day.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant();
                deadline = dayEnd.plus(lateAfter);
            }
            if (received.isAfter(deadline) && !day.isBefore(from) && !day.isAfter(to)) {
                lateByDay.computeIfAbsent(day, k -> new ArrayList<>()).add(e);
            } else {
                onTime.add(e);
            }
        }
        if (lateByDay.isEmpty()) {
            return;
        }
        // the verdicts as they stood before the late events arrived
        RoomReport before = engine.evaluate(report.room(), tier, onTime, calendar, from, to);
        Map<LocalDate, DayResult> daysBefore = new TreeMap<>();
        before.days().forEach(d -> daysBefore.put(d.date(), d));
        Map<String, WeekResult> weeksBefore = new TreeMap<>();
        before.weeks().forEach(w -> weeksBefore.put(w.week(), w));
        for (DayResult d : report.days()) {
            List<DeviceEvent> late = lateByDay.get(d.date());
            if (late == null) {
                continue;
            }
            Instant dayDeadline = d.date().plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant().plus(lateAfter);
            Instant last = late.stream().map(e -> receivedAt.get(e.eventId())).max(Instant::compareTo).orElseThrow();
            String lastText = last.atZone(RulesEngine.ZONE).format(DAY_TIME);
            String deadlineText = dayDeadline.atZone(RulesEngine.ZONE).format(DAY_TIME);
            DayResult dayBefore = daysBefore.get(d.date());
            String week = WeekResult.isoWeekOf(d.date());
            WeekResult weekNow = report.weeks().stream().filter(w -> w.week().equals(week)).findFirst().orElseThrow();
            WeekResult weekBefore = weeksBefore.get(week);
            List<String> changed = new ArrayList<>();
            List<String> changedZh = new ArrayList<>();
            if (dayBefore.verdict() != d.verdict()) {
                changed.add("the day's verdict was " + dayBefore.verdict() + " without them and is " + d.verdict());
                changedZh.add("当日结论由「" + AuditPdf.verdictText(dayBefore.verdict()) + "」变为「"
                        + AuditPdf.verdictText(d.verdict()) + "」");
            }
            if (weekBefore.verdict() != weekNow.verdict()) {
                changed.add("week " + week + "'s verdict was " + weekBefore.verdict() + " without them and is "
                        + weekNow.verdict());
                changedZh.add(week + " 周结论由「" + AuditPdf.verdictText(weekBefore.verdict()) + "」变为「"
                        + AuditPdf.verdictText(weekNow.verdict()) + "」");
            }
            long attendedDelta = d.attendedSeconds() - dayBefore.attendedSeconds();
            out.computeIfAbsent(d.date(), k -> new ArrayList<>()).add(new AuditException(d.date().toString(),
                    AuditException.Kind.LATE_EVENTS,
                    late.size() + " events of this day were received after " + deadlineText + " (the last at " + lastText
                            + "); they add " + AuditRoom.hours(attendedDelta) + " attended; "
                            + (changed.isEmpty() ? NO_VERDICT_CHANGED : String.join("; ", changed)),
                    late.size() + " 条当日事件于 " + deadlineText + " 之后才送达（最晚 " + lastText + "），计入有效开放 "
                            + AuditRoom.hoursZh(attendedDelta) + "；"
                            + (changedZh.isEmpty() ? "结论未因此改变" : String.join("，", changedZh))));
        }
    }

    /** Opening hours as text, for the report's settings. */
    static String text(OpeningHours hours) {
        return hours.start().format(HH_MM) + "-" + hours.end().format(HH_MM);
    }
}

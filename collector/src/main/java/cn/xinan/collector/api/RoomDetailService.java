package cn.xinan.collector.api;

import cn.xinan.collector.access.Access;
import cn.xinan.collector.access.Permission;
import cn.xinan.collector.access.ScopedRegistry;
import cn.xinan.collector.audit.AuditException;
import cn.xinan.collector.audit.AuditRoom;
import cn.xinan.collector.audit.AuditScope;
import cn.xinan.collector.audit.AuditService;
import cn.xinan.collector.audit.EventExceptions;
import cn.xinan.collector.ingest.DeviceStatusBoard;
import cn.xinan.collector.rollup.Rollup;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.EventBody;
import cn.xinan.event.EventKind;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.WeekResult;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One room over a period for its page in the web UI (docs/web-ui.md): every day's verdict, open and attended time,
 * check-ins counted by purpose and school stage (counts only: a check-in carries no identity, docs/rules.md §7),
 * whether the device showed a sign of life, events left out as unsynchronised (docs/rules.md §6), the weeks, the
 * outages (days without any sign of life, and every silence of the devices as an interval), the events left out or
 * received late with whether they changed a verdict (the audit's exceptions, docs/audit.md) and the devices' live
 * state. Verdicts and times come from the day summaries ({@link VerdictService}); only the check-in events are read,
 * for their purpose and stage; the intervals and exceptions come from {@link AuditService}.
 *
 * <pre>
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/rooms/jm-db-001-r1/detail?from=2025-02-17&amp;to=2025-07-04'
 * </pre>
 */
public final class RoomDetailService implements HttpService {
    private final VerdictService verdicts;
    private final EventStore store;
    private final DeviceStatusBoard board;
    private final Access access;
    private final Clock clock;
    private final AuditService audits;

    public RoomDetailService(VerdictService verdicts, EventStore store, DeviceStatusBoard board, Access access, Clock clock,
                             AuditService audits) {
        this.audits = Objects.requireNonNull(audits, "audits are missing");
        this.verdicts = Objects.requireNonNull(verdicts, "verdicts are missing");
        this.store = Objects.requireNonNull(store, "store is missing");
        this.board = Objects.requireNonNull(board, "status board is missing");
        this.access = Objects.requireNonNull(access, "access is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/rooms/{room}/detail", this::detail);
    }

    /**
     * {@code GET /api/v1/rooms/{room}/detail?from=&to=}: {@code {"room": {…}, "from", "to", "today", "rule",
     * "days": [{…}], "weeks": [{…}], "compliance": {…}, "uptime": {…, "outages": [{…}], "outageIntervals": [{…}]},
     * "excludedEvents", "eventExceptions": [{…}], "devices"}}.
     */
    private void detail(ServerRequest req, ServerResponse res) {
        Access.require(req, Permission.VIEW_VERDICTS);
        ScopedRegistry scope = access.scope(req);
        RoomRecord room = scope.room(req.path().pathParameters().get("room"));
        LocalDate[] period = Parameters.period(req);
        LocalDate from = period[0];
        LocalDate to = period[1];
        LocalDate today = LocalDate.ofInstant(clock.instant(), RulesEngine.ZONE);
        VerdictService.RoomDays read = verdicts.roomWithSummaries(room.roomId(), from, to);
        RoomReport report = read.report();
        Map<LocalDate, DaySummary> summaries = new HashMap<>();
        read.summaries().forEach(s -> summaries.put(s.date(), s));
        Map<LocalDate, Map<String, Map<String, Integer>>> checkins = checkinsByDay(room.roomId(), from, to);

        List<Map<String, Object>> days = new ArrayList<>();
        int excluded = 0;
        for (DayResult d : report.days()) {
            DaySummary s = summaries.get(d.date());
            Map<String, Object> day = new LinkedHashMap<>();
            day.put("date", d.date().toString());
            day.put("schoolDay", d.schoolDay());
            day.put("verdict", d.verdict().name());
            day.put("complete", d.date().isBefore(today));
            day.put("openSeconds", d.openSeconds());
            day.put("attendedSeconds", d.attendedSeconds());
            day.put("unattendedSeconds", d.unattendedSeconds());
            day.put("checkins", d.checkins());
            Map<String, Map<String, Integer>> by = checkins.getOrDefault(d.date(), Map.of());
            day.put("checkinsByPurpose", by.getOrDefault("purpose", Map.of()));
            day.put("checkinsByStage", by.getOrDefault("stage", Map.of()));
            day.put("signOfLife", s != null && s.alive());
            day.put("excludedEvents", s == null ? 0 : s.unsyncedEvents());
            excluded += s == null ? 0 : s.unsyncedEvents();
            days.add(day);
        }
        List<Map<String, Object>> weeks = new ArrayList<>();
        for (WeekResult w : report.weeks()) {
            boolean complete = Rollup.sundayOf(w).isBefore(today);
            Map<String, Object> week = new LinkedHashMap<>();
            week.put("week", w.week());
            week.put("schoolDays", w.schoolDays());
            week.put("requiredSeconds", w.requiredSeconds());
            week.put("attendedSeconds", w.attendedSeconds());
            week.put("verdict", w.verdict().name());
            week.put("complete", complete);
            weeks.add(week);
        }
        Rollup.Compliance compliance = Rollup.Compliance.of(report, today);
        int finishedDays = 0;
        int aliveDays = 0;
        int finishedSchoolDays = 0;
        int aliveSchoolDays = 0;
        LocalDate lastAlive = null;
        List<Map<String, Object>> outages = new ArrayList<>();
        LocalDate outageStart = null;
        int outageSchoolDays = 0;
        for (DayResult d : report.days()) {
            if (!d.date().isBefore(today)) {
                break;
            }
            boolean alive = summaries.containsKey(d.date()) && summaries.get(d.date()).alive();
            finishedDays++;
            aliveDays += alive ? 1 : 0;
            if (d.schoolDay()) {
                finishedSchoolDays++;
                aliveSchoolDays += alive ? 1 : 0;
            }
            if (alive) {
                lastAlive = d.date();
                if (outageStart != null) {
                    outages.add(outage(outageStart, d.date().minusDays(1), outageSchoolDays));
                    outageStart = null;
                }
            } else {
                if (outageStart == null) {
                    outageStart = d.date();
                    outageSchoolDays = 0;
                }
                outageSchoolDays += d.schoolDay() ? 1 : 0;
            }
        }
        if (outageStart != null) {
            LocalDate last = today.isAfter(to) ? to : today.minusDays(1);
            outages.add(outage(outageStart, last, outageSchoolDays));
        }

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("room", RoomsService.room(scope, room));
        out.put("from", from.toString());
        out.put("to", to.toString());
        out.put("today", today.toString());
        out.put("rule", RollupService.rule(verdicts.settings()));
        out.put("thresholds", Map.of("dailySeconds", report.thresholds().dailySeconds(),
                "weeklySeconds", report.thresholds().weeklySeconds()));
        out.put("days", days);
        out.put("weeks", weeks);
        out.put("compliance", Map.of("metDays", compliance.metDays(), "requiredDays", compliance.requiredDays(),
                "metWeeks", compliance.metWeeks(), "requiredWeeks", compliance.requiredWeeks()));
        Map<String, Object> uptime = new LinkedHashMap<>();
        uptime.put("finishedDays", finishedDays);
        uptime.put("daysWithSignOfLife", aliveDays);
        uptime.put("finishedSchoolDays", finishedSchoolDays);
        uptime.put("schoolDaysWithSignOfLife", aliveSchoolDays);
        uptime.put("lastDayWithSignOfLife", lastAlive == null ? null : lastAlive.toString());
        uptime.put("outages", outages);
        uptime.put("outageIntervals", outageIntervals(room.roomId(), from, to));
        out.put("uptime", uptime);
        out.put("excludedEvents", excluded);
        out.put("eventExceptions", eventExceptions(room.roomId(), from, to));
        out.put("devices", RoomsService.devices(scope, room, board));
        Json.send(res, Status.OK_200, out);
    }

    /** Every silence of the room's devices as {@code {from, to, fromLocal, toLocal, seconds}} (docs/web-ui.md). */
    private List<Map<String, Object>> outageIntervals(String room, LocalDate from, LocalDate to) {
        java.time.format.DateTimeFormatter local = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")
                .withZone(RulesEngine.ZONE);
        List<Map<String, Object>> out = new ArrayList<>();
        for (AuditService.Outage o : audits.outages(room, from, to)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("from", o.from().toString());
            m.put("to", o.to().toString());
            m.put("fromLocal", local.format(o.from()));
            m.put("toLocal", local.format(o.to()));
            m.put("seconds", o.seconds());
            out.add(m);
        }
        return out;
    }

    /**
     * The audit's exceptions of the room about events left out as unsynchronised or received late, each with whether
     * it changed a verdict ({@code {unit, kind, changedVerdict, reason, reasonZh}}).
     */
    private List<Map<String, Object>> eventExceptions(String room, LocalDate from, LocalDate to) {
        AuditScope one = new AuditScope(java.util.Optional.empty(), java.util.Optional.empty(), List.of(room),
                java.util.EnumSet.allOf(cn.xinan.rules.Tier.class));
        List<Map<String, Object>> out = new ArrayList<>();
        for (AuditRoom r : audits.audit(one, from, to).rooms()) {
            for (AuditException e : r.exceptions()) {
                if (e.kind() != AuditException.Kind.LATE_EVENTS && e.kind() != AuditException.Kind.UNSYNCED_EXCLUDED) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("unit", e.unit());
                m.put("kind", e.kind().name());
                m.put("changedVerdict", EventExceptions.changedAVerdict(e));
                m.put("reason", e.reason());
                m.put("reasonZh", e.reasonZh());
                out.add(m);
            }
        }
        return out;
    }

    private static Map<String, Object> outage(LocalDate first, LocalDate last, int schoolDays) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("from", first.toString());
        m.put("to", last.toString());
        m.put("days", java.time.temporal.ChronoUnit.DAYS.between(first, last) + 1);
        m.put("schoolDays", schoolDays);
        return m;
    }

    /** Per local day: {@code {"purpose": {"individual": 2, "none": 1}, "stage": {…}}}; counts, nothing else. */
    private Map<LocalDate, Map<String, Map<String, Integer>>> checkinsByDay(String room, LocalDate from, LocalDate to) {
        Instant start = from.atStartOfDay(RulesEngine.ZONE).toInstant();
        Instant end = to.plusDays(1).atStartOfDay(RulesEngine.ZONE).toInstant();
        Map<LocalDate, Map<String, Map<String, Integer>>> out = new TreeMap<>();
        for (StoredEvent e : store.eventsOfKindForRoom(room, EventKind.CHECKIN, start, end)) {
            if (!e.event().clockSynced() || !(e.event().body() instanceof EventBody.CheckIn c)) {
                continue; // left out of the accounting like every unsynchronised event (docs/rules.md §6)
            }
            LocalDate day = LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE);
            Map<String, Map<String, Integer>> by = out.computeIfAbsent(day, d -> new LinkedHashMap<>());
            by.computeIfAbsent("purpose", k -> new TreeMap<>())
                    .merge(c.purpose() == null ? "none" : c.purpose().wireName(), 1, Integer::sum);
            by.computeIfAbsent("stage", k -> new TreeMap<>())
                    .merge(c.stage() == null ? "none" : c.stage().wireName(), 1, Integer::sum);
        }
        return out;
    }
}

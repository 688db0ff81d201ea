package cn.xinan.collector.api;

import cn.xinan.collector.access.Access;
import cn.xinan.collector.access.Permission;
import cn.xinan.collector.access.ScopedRegistry;
import cn.xinan.collector.rollup.Rollup;
import cn.xinan.collector.rollup.Targets;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.SchoolRecord;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Roll-ups for bureau staff (docs/web-ui.md): the rooms of the caller's scope summed up by county, school or room over
 * any period, against the plan's {@link Targets}, from the day summaries ({@link VerdictService}). A county or school
 * outside the scope is unknown (404, as one that does not exist); nothing outside the scope is in any count.
 *
 * <pre>
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/rollup?from=2025-03-03&amp;to=2025-03-09'
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/rollup?from=2025-02-17&amp;to=2025-07-04&amp;level=school&amp;county=东宝区&amp;tier=示范'
 * curl -H "Authorization: Bearer $TOKEN" 'http://localhost:8080/api/v1/rollup?from=2025-03-01&amp;to=2025-03-31&amp;level=room&amp;school=jm-db-001'
 * </pre>
 */
public final class RollupService implements HttpService {
    private final VerdictService verdicts;
    private final Access access;
    private final Targets targets;
    private final Clock clock;

    public RollupService(VerdictService verdicts, Access access, Targets targets, Clock clock) {
        this.verdicts = Objects.requireNonNull(verdicts, "verdicts are missing");
        this.access = Objects.requireNonNull(access, "access is missing");
        this.targets = Objects.requireNonNull(targets, "targets are missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/rollup", this::rollup);
    }

    /**
     * {@code GET /api/v1/rollup?from=&to=[&level=county|school|room][&county=][&school=][&tier=…]}: {@code {"from",
     * "to", "today", "level", "county", "school", "tiers", "rule", "targets", "total": {…}, "lines": [{…}]}}.
     */
    private void rollup(ServerRequest req, ServerResponse res) {
        Access.require(req, Permission.VIEW_VERDICTS);
        ScopedRegistry scope = access.scope(req);
        LocalDate[] period = Parameters.period(req);
        Rollup.Level level;
        try {
            level = Rollup.Level.parse(req.query().first("level").asOptional().orElse("county"));
        } catch (IllegalArgumentException e) {
            throw new BadParameterException("level", "query parameter " + e.getMessage());
        }
        Set<Tier> tiers = tiers(req);
        Optional<String> county = req.query().first("county").asOptional().filter(s -> !s.isBlank());
        Optional<String> school = req.query().first("school").asOptional().filter(s -> !s.isBlank());
        List<RoomRecord> rooms = scope.rooms().stream()
                .filter(r -> county.map(r.county()::equals).orElse(true))
                .filter(r -> school.map(r.school()::equals).orElse(true))
                .toList();
        if (rooms.isEmpty() && (county.isPresent() || school.isPresent())) {
            // outside the scope or nonexistent: the same answer
            String which = school.isPresent() ? "school" : "county";
            String value = school.orElseGet(county::get);
            Json.send(res, Status.NOT_FOUND_404, Map.of("error", "unknown " + which + " '" + value + "'", which, value));
            return;
        }
        List<String> selected = rooms.stream().filter(r -> tiers.contains(r.tier())).map(RoomRecord::roomId).toList();
        Map<String, RoomReport> reports = new LinkedHashMap<>();
        if (!selected.isEmpty()) { // an empty list means "every room" to the VerdictService
            verdicts.rooms(selected, period[0], period[1]).forEach(r -> reports.put(r.room(), r));
        }
        LocalDate today = LocalDate.ofInstant(clock.instant(), RulesEngine.ZONE);
        Map<String, String> schoolNames = new LinkedHashMap<>();
        Rollup.Result result = Rollup.of(rooms, reports, level,
                id -> schoolNames.computeIfAbsent(id, s -> scope.school(s).map(SchoolRecord::name).orElse(s)), today);
        Map<String, Tier> tierOf = new LinkedHashMap<>();
        rooms.forEach(r -> tierOf.put(r.roomId(), r.tier()));

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("from", period[0].toString());
        out.put("to", period[1].toString());
        out.put("today", today.toString());
        out.put("level", level.name().toLowerCase());
        out.put("county", county.orElse(null));
        out.put("school", school.orElse(null));
        out.put("schoolName", school.map(schoolNames::get).orElse(null));
        out.put("tiers", tiers.stream().map(Tier::chineseName).toList());
        out.put("rule", rule(verdicts.settings()));
        out.put("targets", Map.of("qualifiedPercent", targets.qualifiedPercent(),
                "demonstrationPercent", targets.demonstrationPercent(), "byYear", targets.byYear()));
        out.put("total", line(result.total(), null));
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Rollup.Line l : result.lines()) {
            lines.add(line(l, level == Rollup.Level.ROOM ? tierOf.get(l.key()) : null));
        }
        out.put("lines", lines);
        Json.send(res, Status.OK_200, out);
    }

    private Map<String, Object> line(Rollup.Line l, Tier roomTier) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", l.key());
        m.put("name", l.name());
        m.put("county", l.county());
        m.put("school", l.school());
        m.put("schoolName", l.schoolName());
        if (roomTier != null) {
            m.put("tier", roomTier.chineseName());
        }
        Map<String, Integer> byTier = new LinkedHashMap<>();
        for (Tier t : Tier.values()) {
            byTier.put(t.chineseName(), l.tiers().getOrDefault(t, 0));
        }
        m.put("allRooms", l.allRooms());
        m.put("byTier", byTier);
        m.put("qualifiedRooms", l.qualifiedRooms());
        m.put("demonstrationRooms", l.demonstrationRooms());
        m.put("meetsQualifiedTarget", l.meetsQualifiedTarget(targets));
        m.put("meetsDemonstrationTarget", l.meetsDemonstrationTarget(targets));
        m.put("rooms", l.rooms());
        m.put("metDays", l.metDays());
        m.put("requiredDays", l.requiredDays());
        m.put("noDataDays", l.noDataDays());
        m.put("metWeeks", l.metWeeks());
        m.put("requiredWeeks", l.requiredWeeks());
        m.put("roomsEveryWeekMet", l.roomsEveryWeekMet());
        m.put("attendedSeconds", l.attendedSeconds());
        m.put("openSeconds", l.openSeconds());
        m.put("checkins", l.checkins());
        return m;
    }

    /** {@code tier=} (repeatable): 合格/示范/未评定 or qualified/demonstration/unrated; every tier when absent. */
    private static Set<Tier> tiers(ServerRequest req) {
        List<String> asked = Parameters.all(req, "tier");
        if (asked.isEmpty()) {
            return EnumSet.allOf(Tier.class);
        }
        Set<Tier> out = EnumSet.noneOf(Tier.class);
        for (String t : asked) {
            try {
                out.add(Tier.parse(t));
            } catch (IllegalArgumentException e) {
                throw new BadParameterException("tier", "query parameter 'tier': " + e.getMessage());
            }
        }
        return out;
    }

    /** The settings the figures were computed with, thresholds per tier (docs/rules.md §5). */
    static Map<String, Object> rule(RuleSettings settings) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("version", settings.ruleVersion());
        rule.put("weekPolicy", settings.weekPolicy().wireName());
        rule.put("unattendedGapSeconds", settings.unattendedGapSeconds());
        Map<String, Object> tiers = new LinkedHashMap<>();
        for (Tier t : Tier.values()) {
            Thresholds th = settings.thresholdsFor(t);
            tiers.put(t.chineseName(), Map.of("dailySeconds", th.dailySeconds(), "weeklySeconds", th.weeklySeconds()));
        }
        rule.put("tiers", tiers);
        return rule;
    }
}

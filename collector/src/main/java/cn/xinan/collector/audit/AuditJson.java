package cn.xinan.collector.audit;

import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.ComplianceRate;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekPolicy;
import cn.xinan.rules.WeekResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The audit report as JSON (docs/audit.md): the same day and week fields as RESULT.json, plus the room's
 * registry entry, exceptions and evidence. Also the rule settings file of the bundle and its reader.
 */
public final class AuditJson {
    /** The report format, stated in every report. */
    public static final String FORMAT = "xinan-audit-1";
    static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AuditJson() {
    }

    /** The report as pretty-printed JSON (UTF-8 when written out). */
    public static String toJson(AuditReport report) {
        return write(tree(report));
    }

    /** Maps and lists as a JSON tree, with numbers typed as a parser reads them (so trees compare equal). */
    static JsonNode node(Object tree) {
        try {
            return MAPPER.readTree(MAPPER.writeValueAsString(tree));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    static String write(Object tree) {
        try {
            return MAPPER.writeValueAsString(tree) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** The report as maps and lists. */
    public static Map<String, Object> tree(AuditReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("format", FORMAT);
        out.put("from", report.from().toString());
        out.put("to", report.to().toString());
        out.put("generatedAt", report.generatedAt().toString());
        Map<String, Object> scope = new LinkedHashMap<>();
        scope.put("county", report.scope().county().orElse(null));
        scope.put("school", report.scope().school().orElse(null));
        scope.put("rooms", report.scope().rooms());
        scope.put("tiers", report.scope().tierList().stream().map(Tier::chineseName).toList());
        out.put("scope", scope);
        out.put("rule", ruleTree(report.settings()));
        out.put("exceptionSettings", exceptionSettingsTree(report));
        out.put("compliance", compliance(report.compliance()));
        List<Object> rooms = new ArrayList<>();
        for (AuditRoom room : report.rooms()) {
            rooms.add(roomTree(room));
        }
        out.put("rooms", rooms);
        return out;
    }

    static Map<String, Object> roomTree(AuditRoom audited) {
        RoomRecord r = audited.room();
        RoomReport report = audited.report();
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("room", r.roomId());
        room.put("county", r.county());
        room.put("school", r.school());
        room.put("name", r.name());
        room.putAll(figures(report));
        List<Object> exceptions = new ArrayList<>();
        for (AuditException e : audited.exceptions()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("unit", e.unit());
            x.put("kind", e.kind().name());
            x.put("reason", e.reason());
            x.put("reasonZh", e.reasonZh());
            exceptions.add(x);
        }
        room.put("exceptions", exceptions);
        List<Object> devices = new ArrayList<>();
        for (DeviceEvidence d : audited.evidence()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("device", d.device());
            x.put("events", d.events());
            x.put("seq", d.runs().stream().map(run -> List.of(run[0], run[1])).toList());
            devices.add(x);
        }
        room.put("evidence", devices);
        return room;
    }

    /** The figures a verifier recomputes: tier, thresholds, excluded events, days, weeks, compliance. */
    public static Map<String, Object> figures(RoomReport report) {
        Map<String, Object> room = new LinkedHashMap<>();
        room.put("tier", report.tier().chineseName());
        room.put("dailySeconds", report.thresholds().dailySeconds());
        room.put("weeklySeconds", report.thresholds().weeklySeconds());
        room.put("excludedUnsyncedEvents", report.excludedUnsyncedEvents());
        List<Object> days = new ArrayList<>();
        for (DayResult d : report.days()) {
            Map<String, Object> day = new LinkedHashMap<>();
            day.put("date", d.date().toString());
            day.put("schoolDay", d.schoolDay());
            day.put("openSeconds", d.openSeconds());
            day.put("attendedSeconds", d.attendedSeconds());
            day.put("unattendedSeconds", d.unattendedSeconds());
            day.put("checkins", d.checkins());
            day.put("verdict", d.verdict().name());
            days.add(day);
        }
        room.put("days", days);
        List<Object> weeks = new ArrayList<>();
        for (WeekResult w : report.weeks()) {
            Map<String, Object> week = new LinkedHashMap<>();
            week.put("week", w.week());
            week.put("schoolDays", w.schoolDays());
            week.put("requiredSeconds", w.requiredSeconds());
            week.put("attendedSeconds", w.attendedSeconds());
            week.put("verdict", w.verdict().name());
            weeks.add(week);
        }
        room.put("weeks", weeks);
        room.put("compliance", compliance(report.compliance()));
        return room;
    }

    static Map<String, Object> compliance(ComplianceRate rate) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metDays", rate.metDays());
        out.put("requiredDays", rate.requiredDays());
        out.put("dayRate", rate(rate.dayRate()));
        out.put("metWeeks", rate.metWeeks());
        out.put("requiredWeeks", rate.requiredWeeks());
        out.put("weekRate", rate(rate.weekRate()));
        return out;
    }

    private static Double rate(OptionalDouble rate) {
        return rate.isPresent() ? rate.getAsDouble() : null;
    }

    /** The settings the events' exceptions were found with: the opening hours of every audited school, the thresholds. */
    static Map<String, Object> exceptionSettingsTree(AuditReport report) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> hours = new java.util.TreeMap<>();
        for (AuditRoom r : report.rooms()) {
            hours.put(r.room().school(), EventExceptions.text(report.exceptions().hoursOf(r.room().school())));
        }
        out.put("openingHours", hours);
        out.put("offlineAfterSeconds", report.exceptions().offlineAfter().toSeconds());
        out.put("lateAfterSeconds", report.exceptions().lateAfter().toSeconds());
        return out;
    }

    /**
     * Reads {@link #exceptionSettingsTree} back: the schools' hours as per-school hours over a default none uses.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    static AuditSettings.ExceptionSettings readExceptionSettings(JsonNode node) {
        Map<String, cn.xinan.collector.warnings.OpeningHours> hours = new LinkedHashMap<>();
        field(node, "openingHours").fields().forEachRemaining(e ->
                hours.put(e.getKey(), cn.xinan.collector.warnings.OpeningHours.parse(e.getValue().asText())));
        return new AuditSettings.ExceptionSettings(AuditSettings.ExceptionSettings.defaults().openingHours(), hours,
                java.time.Duration.ofSeconds(number(node, "offlineAfterSeconds")),
                java.time.Duration.ofSeconds(number(node, "lateAfterSeconds")));
    }

    /** The rule settings: version, week policy, unattended gap, time zone and every tier's thresholds. */
    public static Map<String, Object> ruleTree(RuleSettings settings) {
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("version", settings.ruleVersion());
        rule.put("weekPolicy", settings.weekPolicy().wireName());
        rule.put("unattendedGapSeconds", settings.unattendedGapSeconds());
        rule.put("timeZone", RulesEngine.ZONE.getId());
        Map<String, Object> tiers = new LinkedHashMap<>();
        for (Tier tier : Tier.values()) {
            Thresholds t = settings.thresholdsFor(tier);
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("dailySeconds", t.dailySeconds());
            x.put("weeklySeconds", t.weeklySeconds());
            tiers.put(tier.chineseName(), x);
        }
        rule.put("tiers", tiers);
        return rule;
    }

    /**
     * Reads {@link #ruleTree} back.
     *
     * @throws IllegalArgumentException naming the field that is missing or wrong
     */
    public static RuleSettings readRule(JsonNode rule) {
        String zone = text(rule, "timeZone");
        if (!zone.equals(RulesEngine.ZONE.getId())) {
            throw new IllegalArgumentException("rule.timeZone is " + zone + ", the engine works in " + RulesEngine.ZONE.getId());
        }
        Map<Tier, Thresholds> thresholds = new EnumMap<>(Tier.class);
        JsonNode tiers = field(rule, "tiers");
        for (Tier tier : Tier.values()) {
            JsonNode t = field(tiers, tier.chineseName());
            thresholds.put(tier, new Thresholds(number(t, "dailySeconds"), number(t, "weeklySeconds")));
        }
        return new RuleSettings(text(rule, "version"), thresholds, WeekPolicy.parse(text(rule, "weekPolicy")),
                number(rule, "unattendedGapSeconds"));
    }

    static JsonNode field(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("field \"" + name + "\" is missing");
        }
        return value;
    }

    static String text(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isTextual()) {
            throw new IllegalArgumentException("field \"" + name + "\" is not a string");
        }
        return value.asText();
    }

    static long number(JsonNode node, String name) {
        JsonNode value = field(node, name);
        if (!value.isIntegralNumber()) {
            throw new IllegalArgumentException("field \"" + name + "\" is not a whole number");
        }
        return value.asLong();
    }
}

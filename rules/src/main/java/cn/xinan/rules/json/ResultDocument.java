package cn.xinan.rules.json;

import cn.xinan.rules.ComplianceRate;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Tier;
import cn.xinan.rules.WeekResult;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Collection;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Writes verdicts in the RESULT.json shape of the acceptance contract ({@code testing/src/main/resources/acceptance/README.md}), used by
 * {@code xinan replay} and by the collector's HTTP API alike:
 *
 * <pre>{@code
 * {"rule": {"version": "1.0", "dailySeconds": 3600, "weeklySeconds": 36000, "weekPolicy": "prorate",
 *           "unattendedGapSeconds": 1800, "timeZone": "Asia/Shanghai",
 *           "tiers": {"合格": {"dailySeconds": 3600, "weeklySeconds": 36000}, "示范": {...}, "未评定": {...}}},
 *  "rooms": [{"room": "jm-db-001-r1", "tier": "示范", "dailySeconds": 3600, "weeklySeconds": 36000,
 *             "excludedUnsyncedEvents": 0,
 *             "days":  [{"date": "2025-03-03", "schoolDay": true, "openSeconds": 9600, "attendedSeconds": 6600,
 *                        "unattendedSeconds": 3000, "checkins": 1, "verdict": "MET"}],
 *             "weeks": [{"week": "2025-W10", "schoolDays": 5, "requiredSeconds": 36000, "attendedSeconds": 6600,
 *                        "verdict": "NOT_MET"}],
 *             "compliance": {"metDays": 1, "requiredDays": 1, "dayRate": 1.0,
 *                            "metWeeks": 0, "requiredWeeks": 1, "weekRate": 0.0}}]}
 * }</pre>
 *
 * <p>{@code rule.dailySeconds} and {@code rule.weeklySeconds} are those of the 合格 tier (the baseline of
 * the action plan); {@code rule.tiers} gives every tier's, and each room states the thresholds it was judged
 * by. A rate is {@code null} when no unit was required. The single-room variant
 * ({@link #writeRoom(RoomReport, Writer, boolean)}) writes {@code {"rule": {...}, "room": {...}}}.
 *
 * <p>Streaming (jackson-core only); the writer is not closed.
 */
public final class ResultDocument {
    private static final JsonFactory JSON = new JsonFactory();

    private ResultDocument() {
    }

    /**
     * Writes {@code {"rule": ..., "rooms": [...]}}.
     *
     * @param settings the settings every report was computed with
     * @param rooms    the rooms, in the order to write them
     * @param out      where to write (UTF-16 characters; encode as UTF-8 when writing bytes)
     * @param pretty   indent for people, or one line for machines
     * @throws IllegalArgumentException when a report was computed with other settings
     * @throws UncheckedIOException     when {@code out} fails
     */
    public static void write(RuleSettings settings, Collection<RoomReport> rooms, Writer out, boolean pretty) {
        Objects.requireNonNull(settings, "settings is missing");
        for (RoomReport room : rooms) {
            requireSameSettings(settings, room);
        }
        generate(out, pretty, json -> {
            json.writeStartObject();
            writeRule(json, settings);
            json.writeArrayFieldStart("rooms");
            for (RoomReport room : rooms) {
                writeRoomObject(json, room);
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    /** {@link #write} into a string, one line. */
    public static String toJson(RuleSettings settings, Collection<RoomReport> rooms) {
        StringWriter out = new StringWriter();
        write(settings, rooms, out, false);
        return out.toString();
    }

    /**
     * Writes one room with the rule it was computed by: {@code {"rule": {...}, "room": {...}}}.
     *
     * @throws UncheckedIOException when {@code out} fails
     */
    public static void writeRoom(RoomReport room, Writer out, boolean pretty) {
        Objects.requireNonNull(room, "room is missing");
        generate(out, pretty, json -> {
            json.writeStartObject();
            writeRule(json, room.settings());
            json.writeFieldName("room");
            writeRoomObject(json, room);
            json.writeEndObject();
        });
    }

    /** {@link #writeRoom} into a string, one line. */
    public static String roomToJson(RoomReport room) {
        StringWriter out = new StringWriter();
        writeRoom(room, out, false);
        return out.toString();
    }

    /** Writes the {@code "rule"} field (name and object) into an object being generated. */
    public static void writeRule(JsonGenerator json, RuleSettings settings) throws IOException {
        Thresholds baseline = settings.thresholdsFor(Tier.QUALIFIED);
        json.writeObjectFieldStart("rule");
        json.writeStringField("version", settings.ruleVersion());
        json.writeNumberField("dailySeconds", baseline.dailySeconds());
        json.writeNumberField("weeklySeconds", baseline.weeklySeconds());
        json.writeStringField("weekPolicy", settings.weekPolicy().wireName());
        json.writeNumberField("unattendedGapSeconds", settings.unattendedGapSeconds());
        json.writeStringField("timeZone", RulesEngine.ZONE.getId());
        json.writeObjectFieldStart("tiers");
        for (Tier tier : Tier.values()) {
            Thresholds thresholds = settings.thresholdsFor(tier);
            json.writeObjectFieldStart(tier.chineseName());
            json.writeNumberField("dailySeconds", thresholds.dailySeconds());
            json.writeNumberField("weeklySeconds", thresholds.weeklySeconds());
            json.writeEndObject();
        }
        json.writeEndObject();
        json.writeEndObject();
    }

    /** Writes one room object (without the rule) as the next value of {@code json}. */
    public static void writeRoomObject(JsonGenerator json, RoomReport room) throws IOException {
        json.writeStartObject();
        json.writeStringField("room", room.room());
        json.writeStringField("tier", room.tier().chineseName());
        json.writeNumberField("dailySeconds", room.thresholds().dailySeconds());
        json.writeNumberField("weeklySeconds", room.thresholds().weeklySeconds());
        json.writeNumberField("excludedUnsyncedEvents", room.excludedUnsyncedEvents());
        json.writeArrayFieldStart("days");
        for (DayResult day : room.days()) {
            json.writeStartObject();
            json.writeStringField("date", day.date().toString());
            json.writeBooleanField("schoolDay", day.schoolDay());
            json.writeNumberField("openSeconds", day.openSeconds());
            json.writeNumberField("attendedSeconds", day.attendedSeconds());
            json.writeNumberField("unattendedSeconds", day.unattendedSeconds());
            json.writeNumberField("checkins", day.checkins());
            json.writeStringField("verdict", day.verdict().name());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeArrayFieldStart("weeks");
        for (WeekResult week : room.weeks()) {
            json.writeStartObject();
            json.writeStringField("week", week.week());
            json.writeNumberField("schoolDays", week.schoolDays());
            json.writeNumberField("requiredSeconds", week.requiredSeconds());
            json.writeNumberField("attendedSeconds", week.attendedSeconds());
            json.writeStringField("verdict", week.verdict().name());
            json.writeEndObject();
        }
        json.writeEndArray();
        ComplianceRate rate = room.compliance();
        json.writeObjectFieldStart("compliance");
        json.writeNumberField("metDays", rate.metDays());
        json.writeNumberField("requiredDays", rate.requiredDays());
        writeRate(json, "dayRate", rate.dayRate());
        json.writeNumberField("metWeeks", rate.metWeeks());
        json.writeNumberField("requiredWeeks", rate.requiredWeeks());
        writeRate(json, "weekRate", rate.weekRate());
        json.writeEndObject();
        json.writeEndObject();
    }

    private static void writeRate(JsonGenerator json, String field, OptionalDouble rate) throws IOException {
        if (rate.isPresent()) {
            json.writeNumberField(field, rate.getAsDouble());
        } else {
            json.writeNullField(field);
        }
    }

    private static void requireSameSettings(RuleSettings settings, RoomReport room) {
        if (!room.settings().equals(settings)) {
            throw new IllegalArgumentException("room " + room.room() + " was evaluated with other settings ("
                    + room.settings() + ") than the document states (" + settings + ")");
        }
    }

    private interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    private static void generate(Writer out, boolean pretty, Body body) {
        Objects.requireNonNull(out, "out is missing");
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            if (pretty) {
                json.useDefaultPrettyPrinter();
            }
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the result: " + e.getMessage(), e);
        }
    }
}

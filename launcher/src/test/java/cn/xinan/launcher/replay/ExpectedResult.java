package cn.xinan.launcher.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The comparison rule of the acceptance README: every field of {@code *.expected.json} must be in
 * the result with the same value; seconds within ±120 s where a power loss makes the last sign of
 * life depend on the heartbeat phase (the days with a power_off in that room, and their weeks),
 * exactly otherwise.
 */
final class ExpectedResult {
    static final long POWER_LOSS_TOLERANCE_SECONDS = 120;
    private static final ObjectMapper JSON = new ObjectMapper();

    private ExpectedResult() {
    }

    /** @return every difference, empty when the result meets the expectation */
    static List<String> differences(String expectedJson, String actualJson, Map<String, Set<LocalDate>> powerLossDays)
            throws IOException {
        JsonNode expected = JSON.readTree(expectedJson);
        JsonNode actual = JSON.readTree(actualJson);
        List<String> diffs = new ArrayList<>();
        compareFields("rule", expected.get("rule"), actual.get("rule"), false, diffs);
        for (JsonNode room : expected.get("rooms")) {
            String id = room.get("room").asText();
            JsonNode actualRoom = find(actual.get("rooms"), "room", id);
            if (actualRoom == null) {
                diffs.add("room " + id + " is missing");
                continue;
            }
            compareFields(id, room.get("tier"), actualRoom.get("tier"), false, diffs);
            Set<LocalDate> lossDays = powerLossDays.getOrDefault(id, Set.of());
            for (JsonNode day : room.get("days")) {
                String date = day.get("date").asText();
                boolean tolerant = lossDays.contains(LocalDate.parse(date));
                compareFields(id + " " + date, day, find(actualRoom.get("days"), "date", date), tolerant, diffs);
            }
            for (JsonNode week : room.get("weeks")) {
                String name = week.get("week").asText();
                boolean tolerant = lossDays.stream().anyMatch(d -> weekOf(d).equals(name));
                compareFields(id + " " + name, week, find(actualRoom.get("weeks"), "week", name), tolerant, diffs);
            }
        }
        return diffs;
    }

    static String weekOf(LocalDate date) {
        return String.format("%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR), date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    private static JsonNode find(JsonNode array, String key, String value) {
        if (array == null) {
            return null;
        }
        for (JsonNode n : array) {
            if (value.equals(n.path(key).asText())) {
                return n;
            }
        }
        return null;
    }

    private static void compareFields(String where, JsonNode expected, JsonNode actual, boolean tolerant, List<String> diffs) {
        if (actual == null) {
            diffs.add(where + " is missing");
            return;
        }
        if (!expected.isObject()) {
            if (!expected.equals(actual)) {
                diffs.add(where + ": expected " + expected + ", got " + actual);
            }
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = expected.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode got = actual.get(field.getKey());
            JsonNode want = field.getValue();
            boolean seconds = field.getKey().endsWith("Seconds") && !field.getKey().equals("requiredSeconds");
            if (got == null) {
                diffs.add(where + "." + field.getKey() + " is missing");
            } else if (tolerant && seconds && got.isNumber() && want.isNumber()) {
                if (Math.abs(got.asLong() - want.asLong()) > POWER_LOSS_TOLERANCE_SECONDS) {
                    diffs.add(where + "." + field.getKey() + ": expected " + want + " ±" + POWER_LOSS_TOLERANCE_SECONDS + ", got " + got);
                }
            } else if (!want.equals(got)) {
                diffs.add(where + "." + field.getKey() + ": expected " + want + ", got " + got);
            }
        }
    }
}

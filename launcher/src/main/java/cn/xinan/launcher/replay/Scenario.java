package cn.xinan.launcher.replay;

import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * A scripted stretch of school life (SCENARIO.jsonl of the acceptance README): actions sorted by
 * {@code at}, actions with the same {@code at} kept in file order.
 */
public record Scenario(List<ScenarioAction> actions) {
    /** The replay runs this long past the latest action (acceptance README). */
    public static final java.time.Duration RUN_OUT = java.time.Duration.ofMinutes(10);
    private static final ZoneId LOCAL = ZoneId.of("Asia/Shanghai");
    private static final JsonFactory JSON = new JsonFactory();

    public Scenario {
        if (actions.isEmpty()) {
            throw new IllegalArgumentException("the scenario has no actions");
        }
        actions = actions.stream()
                .sorted(Comparator.comparing((ScenarioAction a) -> a.at().toInstant()).thenComparingInt(ScenarioAction::line))
                .toList();
    }

    public Instant start() {
        return actions.get(0).at().toInstant();
    }

    /** The latest action's instant. */
    public Instant latest() {
        return actions.get(actions.size() - 1).at().toInstant();
    }

    public Instant end() {
        return latest().plus(RUN_OUT);
    }

    /** Rooms whose own first action is power_on; every other room's device is on from the start. */
    public Set<String> roomsStartingWithPowerOn() {
        java.util.Map<String, ScenarioAction.Action> first = new java.util.HashMap<>();
        for (ScenarioAction a : actions) {
            first.putIfAbsent(a.room(), a.action());
        }
        return first.entrySet().stream().filter(e -> e.getValue() == ScenarioAction.Action.POWER_ON)
                .map(java.util.Map.Entry::getKey).collect(java.util.stream.Collectors.toSet());
    }

    /** The first and last local dates (Asia/Shanghai) of the scenario's actions: the days a result covers. */
    public LocalDate firstDate() {
        return start().atZone(LOCAL).toLocalDate();
    }

    public LocalDate lastDate() {
        return latest().atZone(LOCAL).toLocalDate();
    }

    /**
     * Reads a scenario and checks that every room it names is one of {@code rooms}.
     *
     * @throws ScenarioException naming the file, the line and what is wrong
     */
    public static Scenario read(Path file, Set<String> rooms) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScenarioException(file + ": file not found");
        } catch (IOException e) {
            throw new ScenarioException(file + ": cannot read as UTF-8 text: " + e.getMessage());
        }
        String name = file.getFileName().toString();
        List<ScenarioAction> actions = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String where = name + " line " + (i + 1);
            ScenarioAction action;
            try {
                action = parseLine(line, i + 1);
            } catch (JsonProcessingException e) {
                throw new ScenarioException(where + ": malformed JSON: " + e.getOriginalMessage());
            } catch (IOException | IllegalArgumentException e) {
                throw new ScenarioException(where + ": " + e.getMessage());
            }
            if (!rooms.contains(action.room())) {
                throw new ScenarioException(where + ": room '" + action.room() + "' is not in the rooms file");
            }
            actions.add(action);
        }
        if (actions.isEmpty()) {
            throw new ScenarioException(name + ": the scenario has no actions");
        }
        return new Scenario(actions);
    }

    static ScenarioAction parseLine(String line, int lineNumber) throws IOException {
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("expected a JSON object");
            }
            OffsetDateTime at = null;
            String room = null;
            ScenarioAction.Action action = null;
            String staff = null;
            Boolean value = null;
            Purpose purpose = null;
            Stage stage = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                switch (field) {
                    case "at" -> {
                        String s = string(p, t, field);
                        try {
                            at = OffsetDateTime.parse(s);
                        } catch (DateTimeParseException e) {
                            throw new IllegalArgumentException("'at' is not an ISO-8601 instant with offset: \"" + s + "\"");
                        }
                    }
                    case "room" -> room = string(p, t, field);
                    case "action" -> action = ScenarioAction.Action.of(string(p, t, field));
                    case "staff" -> staff = string(p, t, field);
                    case "value" -> {
                        if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
                            throw new IllegalArgumentException("'value' must be true or false");
                        }
                        value = t == JsonToken.VALUE_TRUE;
                    }
                    case "purpose" -> purpose = t == JsonToken.VALUE_NULL ? null : Purpose.ofWireName(string(p, t, field));
                    case "stage" -> stage = t == JsonToken.VALUE_NULL ? null : Stage.ofWireName(string(p, t, field));
                    default -> throw new IllegalArgumentException("unknown field '" + field + "'"
                            + " (a check-in carries only purpose and stage: no student identity, docs/rules.md §7)");
                }
            }
            if (at == null || room == null || action == null) {
                throw new IllegalArgumentException("missing field '" + (at == null ? "at" : room == null ? "room" : "action") + "'");
            }
            return new ScenarioAction(at, room, action, staff, value, purpose, stage, lineNumber);
        }
    }

    private static String string(JsonParser p, JsonToken t, String field) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new IllegalArgumentException("'" + field + "' must be a string");
        }
        return p.getText();
    }
}

package cn.xinan.rules;

import cn.xinan.event.DeviceEvent;
import cn.xinan.rules.calendar.CalendarFiles;
import cn.xinan.rules.calendar.CalendarLayer;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.rules.json.ResultDocument;
import cn.xinan.rules.testkit.JsonTree;
import cn.xinan.rules.testkit.ScenarioFirmware;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static cn.xinan.rules.testkit.JsonTree.array;
import static cn.xinan.rules.testkit.JsonTree.object;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every scenario of {@code testing/src/main/resources/acceptance/} (copied to the test resources) gives exactly its
 * {@code .expected.json}, through the test-side firmware stand-in, the engine and the RESULT.json writer.
 * The ±120 s allowance of the README is for a power loss while open, whose last sign of life depends on the
 * heartbeat phase; these scenarios lose power only while closed, so every figure must match exactly.
 */
class AcceptanceExamplesTest {
    private static final String DIR = "/acceptance/";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"worked-day", "week-2025-W10", "may-day-2025"})
    void scenarioGivesItsExpectedResult(String scenario) {
        Map<String, Object> expected = object(JsonTree.parse(resource(scenario + ".expected.json")));
        Map<String, Object> actual = object(JsonTree.parse(replay(scenario)));

        Map<String, Object> expectedRule = object(expected.get("rule"));
        assertThat(object(actual.get("rule"))).containsAllEntriesOf(expectedRule);

        List<Object> expectedRooms = array(expected.get("rooms"));
        Map<String, Map<String, Object>> actualRooms = new LinkedHashMap<>();
        for (Object room : array(actual.get("rooms"))) {
            actualRooms.put((String) object(room).get("room"), object(room));
        }
        assertThat(actualRooms).hasSameSizeAs(expectedRooms);
        for (Object e : expectedRooms) {
            Map<String, Object> expectedRoom = object(e);
            String id = (String) expectedRoom.get("room");
            Map<String, Object> actualRoom = actualRooms.get(id);
            assertThat(actualRoom).as("room %s", id).isNotNull();
            assertThat(actualRoom.get("tier")).as("tier of %s", id).isEqualTo(expectedRoom.get("tier"));
            assertSameUnits(id, "days", array(expectedRoom.get("days")), array(actualRoom.get("days")));
            assertSameUnits(id, "weeks", array(expectedRoom.get("weeks")), array(actualRoom.get("weeks")));
        }
    }

    private static void assertSameUnits(String room, String what, List<Object> expected, List<Object> actual) {
        assertThat(actual).as("%s of %s", what, room).hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            Map<String, Object> e = object(expected.get(i));
            Map<String, Object> a = object(actual.get(i));
            assertThat(a).as("%s %s[%d] %s", room, what, i, e.get("date") != null ? e.get("date") : e.get("week"))
                    .containsAllEntriesOf(e);
        }
    }

    /** What {@code xinan replay} computes for a scenario, without the MQTT path: RESULT.json text. */
    static String replay(String scenario) {
        List<ScenarioFirmware.Action> actions = ScenarioFirmware.parse(resource(scenario + ".jsonl"));
        Map<String, List<DeviceEvent>> recorded = ScenarioFirmware.record(actions);
        LocalDate from = LocalDate.ofInstant(ScenarioFirmware.firstAt(actions), RulesEngine.ZONE);
        LocalDate to = LocalDate.ofInstant(ScenarioFirmware.lastAt(actions), RulesEngine.ZONE);

        String calendarName = exists(scenario + ".calendar.json") ? scenario + ".calendar.json"
                : "default.calendar.json";
        CalendarLayer layer = CalendarFiles.readLayer(calendarName,
                new InputStreamReader(stream(calendarName), StandardCharsets.UTF_8));
        SchoolCalendar calendar = SchoolCalendar.of(NationalCalendar.bundled(), layer);

        RulesEngine engine = new RulesEngine(RuleSettings.defaults());
        List<RoomReport> reports = new ArrayList<>();
        for (String line : resource("rooms.csv").strip().split("\n")) {
            String[] cells = line.split(",");
            if (cells[0].equals("county")) {
                continue;
            }
            String room = cells[2];
            if (recorded.containsKey(room)) {
                reports.add(engine.evaluate(room, Tier.parse(cells[3]), recorded.get(room), calendar, from, to));
            }
        }
        return ResultDocument.toJson(engine.settings(), reports);
    }

    private static boolean exists(String name) {
        return AcceptanceExamplesTest.class.getResource(DIR + name) != null;
    }

    private static InputStream stream(String name) {
        InputStream in = AcceptanceExamplesTest.class.getResourceAsStream(DIR + name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + DIR + name);
        }
        return in;
    }

    static String resource(String name) {
        try (InputStream in = stream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

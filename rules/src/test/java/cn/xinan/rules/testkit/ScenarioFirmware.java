package cn.xinan.rules.testkit;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test-side stand-in for the device firmware: turns a SCENARIO.jsonl (testing/src/main/resources/acceptance/README.md) into the events
 * each room's device would record. One device per room; it boots at the scenario's earliest {@code at} unless
 * its own first action is {@code power_on}; heartbeats every 60 s from boot while powered; nothing is recorded
 * while powered off; network actions change nothing recorded; the run ends at the latest {@code at} + 10 min.
 */
public final class ScenarioFirmware {
    public static final long HEARTBEAT_SECONDS = 60;
    public static final long RUN_AFTER_LAST_SECONDS = 600;

    /** One line of a scenario. */
    public record Action(Instant at, String room, String action, Map<String, Object> fields, int line) {
    }

    private ScenarioFirmware() {
    }

    public static List<Action> parse(String jsonl) {
        List<Action> actions = new ArrayList<>();
        String[] lines = jsonl.split("\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            Map<String, Object> fields = JsonTree.object(JsonTree.parse(lines[i]));
            actions.add(new Action(OffsetDateTime.parse((String) fields.get("at")).toInstant(),
                    (String) fields.get("room"), (String) fields.get("action"), fields, i));
        }
        // Sorted by at, same at kept in file order (List.sort is stable).
        actions.sort(Comparator.comparing(Action::at));
        return actions;
    }

    public static Instant firstAt(List<Action> actions) {
        return actions.getFirst().at();
    }

    public static Instant lastAt(List<Action> actions) {
        return actions.getLast().at();
    }

    /** The events every room's device records, by room id, in recording order. */
    public static Map<String, List<DeviceEvent>> record(List<Action> actions) {
        Instant start = firstAt(actions);
        Instant end = lastAt(actions).plusSeconds(RUN_AFTER_LAST_SECONDS);
        Map<String, List<Action>> byRoom = new LinkedHashMap<>();
        for (Action a : actions) {
            byRoom.computeIfAbsent(a.room(), r -> new ArrayList<>()).add(a);
        }
        Map<String, List<DeviceEvent>> result = new LinkedHashMap<>();
        byRoom.forEach((room, roomActions) -> result.put(room, new Device("dev-" + room).run(roomActions, start, end)));
        return result;
    }

    private static final class Device {
        private final String deviceId;
        private final List<DeviceEvent> recorded = new ArrayList<>();
        private long seq;
        private boolean powered;
        private Instant nextHeartbeat;
        private Instant lastRecorded;

        Device(String deviceId) {
            this.deviceId = deviceId;
        }

        List<DeviceEvent> run(List<Action> actions, Instant start, Instant end) {
            if (!actions.getFirst().action().equals("power_on")) {
                boot(start);
            }
            for (Action a : actions) {
                heartbeatsUntil(a.at());
                switch (a.action()) {
                    case "power_on" -> {
                        if (!powered) {
                            boot(a.at());
                        }
                    }
                    case "power_off" -> powered = false;
                    case "network_down", "network_up" -> {
                        // The device keeps recording; delivery is not this converter's concern.
                    }
                    case "staff_open" -> record(a.at(), new EventBody.StaffOpen((String) a.fields().get("staff")));
                    case "staff_close" -> record(a.at(), new EventBody.StaffClose((String) a.fields().get("staff")));
                    case "presence" -> record(a.at(), new EventBody.Presence((Boolean) a.fields().get("value")));
                    case "checkin" -> record(a.at(), new EventBody.CheckIn(
                            a.fields().get("purpose") == null ? null
                                    : Purpose.ofWireName((String) a.fields().get("purpose")),
                            a.fields().get("stage") == null ? null
                                    : Stage.ofWireName((String) a.fields().get("stage"))));
                    default -> throw new IllegalArgumentException("line " + a.line() + ": unknown action "
                            + a.action());
                }
            }
            heartbeatsUntil(end);
            return recorded;
        }

        private void boot(Instant at) {
            powered = true;
            record(at, new EventBody.Boot("power_on", lastRecorded));
            nextHeartbeat = at.plusSeconds(HEARTBEAT_SECONDS);
        }

        /** Heartbeats due at or before {@code until}, recorded before an action at the same instant. */
        private void heartbeatsUntil(Instant until) {
            while (powered && !nextHeartbeat.isAfter(until)) {
                record(nextHeartbeat, new EventBody.Heartbeat());
                nextHeartbeat = nextHeartbeat.plusSeconds(HEARTBEAT_SECONDS);
            }
        }

        private void record(Instant at, EventBody body) {
            if (!powered) {
                return;
            }
            seq++;
            recorded.add(new DeviceEvent(deviceId + "-" + seq, deviceId, seq, at, true, body));
            lastRecorded = at;
        }
    }
}

package cn.xinan.launcher.replay;

import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * One line of SCENARIO.jsonl (acceptance README): something that happens to one room's device at an instant.
 *
 * @param line the line number in the file, kept so that equal instants replay in file order
 */
public record ScenarioAction(OffsetDateTime at, String room, Action action, String staff, Boolean present,
                             Purpose purpose, Stage stage, int line) {

    /** The scenario's actions and their wire names. */
    public enum Action {
        POWER_ON("power_on"), POWER_OFF("power_off"), NETWORK_DOWN("network_down"), NETWORK_UP("network_up"),
        STAFF_OPEN("staff_open"), STAFF_CLOSE("staff_close"), PRESENCE("presence"), CHECKIN("checkin");

        private final String wireName;

        Action(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Action of(String name) {
            for (Action a : values()) {
                if (a.wireName.equals(name)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("unknown action '" + name + "', expected one of "
                    + java.util.Arrays.stream(values()).map(Action::wireName).toList());
        }
    }

    public ScenarioAction {
        Objects.requireNonNull(at, "at is missing");
        Objects.requireNonNull(room, "room is missing");
        Objects.requireNonNull(action, "action is missing");
        if ((action == Action.STAFF_OPEN || action == Action.STAFF_CLOSE) && staff == null) {
            throw new IllegalArgumentException(action.wireName() + " needs the field 'staff'");
        }
        if (action == Action.PRESENCE && present == null) {
            throw new IllegalArgumentException("presence needs the field 'value' (true or false)");
        }
    }
}

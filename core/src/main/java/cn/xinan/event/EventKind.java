package cn.xinan.event;

import java.util.Arrays;

/** Event kinds with their wire names (docs/mqtt-contract.md). */
public enum EventKind {
    BOOT("boot"),
    HEARTBEAT("heartbeat"),
    STAFF_OPEN("staff_open"),
    STAFF_CLOSE("staff_close"),
    PRESENCE("presence"),
    CHECKIN("checkin");

    private final String wireName;

    EventKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the unknown kind and the accepted ones */
    public static EventKind ofWireName(String name) {
        for (EventKind kind : values()) {
            if (kind.wireName.equals(name)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown event kind '" + name + "', expected one of "
                + Arrays.stream(values()).map(EventKind::wireName).toList());
    }
}

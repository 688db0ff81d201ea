package cn.xinan.event;

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
        return WireNames.lookup(values(), EventKind::wireName, name, "event kind");
    }
}

package cn.xinan.event;

/** The coarse purpose a student may give at check-in (docs/rules.md §7): nothing finer is ever recorded. */
public enum Purpose {
    INDIVIDUAL("individual"),
    GROUP("group"),
    RELAXATION("relaxation"),
    SELF_HELP("self-help"),
    APPOINTMENT("appointment");

    private final String wireName;

    Purpose(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the unknown purpose and the accepted ones */
    public static Purpose ofWireName(String name) {
        return WireNames.lookup(values(), Purpose::wireName, name, "check-in purpose");
    }
}

package cn.xinan.event;

import java.util.Arrays;

/** The coarse purpose a student may give at check-in (RULES.md §7): nothing finer is ever recorded. */
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
        for (Purpose p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown check-in purpose '" + name + "', expected one of "
                + Arrays.stream(values()).map(Purpose::wireName).toList());
    }
}

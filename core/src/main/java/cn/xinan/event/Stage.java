package cn.xinan.event;

import java.util.Arrays;

/** The school stage a student may give at check-in (RULES.md §7). */
public enum Stage {
    PRIMARY("primary"),
    JUNIOR("junior"),
    SENIOR("senior");

    private final String wireName;

    Stage(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** @throws IllegalArgumentException naming the unknown stage and the accepted ones */
    public static Stage ofWireName(String name) {
        for (Stage s : values()) {
            if (s.wireName.equals(name)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown school stage '" + name + "', expected one of "
                + Arrays.stream(values()).map(Stage::wireName).toList());
    }
}

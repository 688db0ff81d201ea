package cn.xinan.event;

/** The school stage a student may give at check-in (docs/rules.md §7). */
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
        return WireNames.lookup(values(), Stage::wireName, name, "school stage");
    }
}

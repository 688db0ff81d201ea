package cn.xinan.collector.warnings;

/**
 * What a warning is about. Each kind is raised at most once per room and {@link Condition#key() key} (a day, or
 * the Monday of a week) and re-raised only after it cleared and came back (docs/warnings.md).
 */
public enum WarningKind {
    /** A school day's attended time is still under the daily requirement at the day's checkpoint. */
    DAY_BEHIND("今日开放不足", "Today behind"),
    /** This week's remaining school days cannot reach the weekly requirement even at the room's usual hours. */
    WEEK_AT_RISK("本周难以达标", "Week at risk"),
    /** No sign of life from the room's device for a while during the posted opening hours of a school day. */
    DEVICE_SILENT("设备离线", "Device silent"),
    /** A week's verdict changed after the week was over and first reported (late events). */
    VERDICT_CHANGED("判定已变更", "Verdict changed"),
    /** A device's presence sensor sees nothing change through hours of the room being open, or cannot be read. */
    SENSOR_STUCK("感应器异常", "Presence sensor stuck"),
    /** A device's clock has not been synchronised for a while: what it records then may not count. */
    CLOCK_UNSYNCED("设备时钟未同步", "Clock not synchronised"),
    /** A device's unacknowledged events are old and their number keeps growing: nothing reaches the store. */
    OUTBOX_BACKLOG("数据积压", "Outbox backlog growing");

    private final String chineseTitle;
    private final String englishTitle;

    WarningKind(String chineseTitle, String englishTitle) {
        this.chineseTitle = chineseTitle;
        this.englishTitle = englishTitle;
    }

    public String chineseTitle() {
        return chineseTitle;
    }

    public String englishTitle() {
        return englishTitle;
    }

    /** Whether it is about a device's health (for the IT operators) rather than the room's hours. */
    public boolean aboutDevice() {
        return this == DEVICE_SILENT || this == SENSOR_STUCK || this == CLOCK_UNSYNCED || this == OUTBOX_BACKLOG;
    }

    /** The name used in the API and the state file, for example {@code week_at_risk}. */
    public String wireName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

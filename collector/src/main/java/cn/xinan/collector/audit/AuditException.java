package cn.xinan.collector.audit;

import java.util.Objects;

/**
 * One exception an inspector must see, with its reason.
 *
 * @param unit   the day ({@code 2025-03-03}) or ISO week ({@code 2025-W10}) it concerns, or the period
 *               ({@code 2025-03-03..2025-03-09}) for excluded events
 * @param kind   what it is
 * @param reason   a sentence saying why, with the figures
 * @param reasonZh the same in Chinese, for the printed 台帐 and the web page
 */
public record AuditException(String unit, Kind kind, String reason, String reasonZh) {
    public AuditException {
        Objects.requireNonNull(unit, "unit is missing");
        Objects.requireNonNull(kind, "kind is missing");
        Objects.requireNonNull(reason, "reason is missing");
        Objects.requireNonNull(reasonZh, "reasonZh is missing");
    }

    /** The kinds of exception (docs/audit.md). */
    public enum Kind {
        /** A school day without any sign of life from the room's devices (docs/rules.md §5). */
        NO_DATA_DAY("无数据（学校日）"),
        /** A school day with data whose attended time is below the daily threshold. */
        NOT_MET_DAY("学校日未达标"),
        /** An assessed week without any sign of life. */
        NO_DATA_WEEK("无数据（周）"),
        /** An assessed week whose attended time is below what the week required. */
        NOT_MET_WEEK("周未达标"),
        /** A day the room was open with nobody there for at least the unattended gap (docs/rules.md §3). */
        UNATTENDED("开放但无人值守"),
        /** Events recorded before the device clock was synchronised, left out (docs/rules.md §6). */
        UNSYNCED_EXCLUDED("时钟未同步事件已排除"),
        /** A school day with a stretch inside the posted opening hours without any sign of life from the room's devices. */
        DEVICE_OFFLINE("开放时间内设备离线"),
        /** Events of a day received after the day's verdict was final (its end plus the late delay). */
        LATE_EVENTS("事件迟到");

        private final String chineseName;

        Kind(String chineseName) {
            this.chineseName = chineseName;
        }

        /** The kind as the printed 台帐 names it, for example {@code 学校日未达标}. */
        public String chineseName() {
            return chineseName;
        }
    }
}

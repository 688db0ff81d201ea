package cn.xinan.collector.audit;

import java.util.Objects;

/**
 * One exception an inspector must see, with its reason.
 *
 * @param unit   the day ({@code 2025-03-03}) or ISO week ({@code 2025-W10}) it concerns, or the period
 *               ({@code 2025-03-03..2025-03-09}) for excluded events
 * @param kind   what it is
 * @param reason a sentence saying why, with the figures
 */
public record AuditException(String unit, Kind kind, String reason) {
    public AuditException {
        Objects.requireNonNull(unit, "unit is missing");
        Objects.requireNonNull(kind, "kind is missing");
        Objects.requireNonNull(reason, "reason is missing");
    }

    /** The kinds of exception (docs/audit.md). */
    public enum Kind {
        /** A school day without any sign of life from the room's devices (docs/rules.md §5). */
        NO_DATA_DAY,
        /** A school day with data whose attended time is below the daily threshold. */
        NOT_MET_DAY,
        /** An assessed week without any sign of life. */
        NO_DATA_WEEK,
        /** An assessed week whose attended time is below what the week required. */
        NOT_MET_WEEK,
        /** A day the room was open with nobody there for at least the unattended gap (docs/rules.md §3). */
        UNATTENDED,
        /** Events recorded before the device clock was synchronised, left out (docs/rules.md §6). */
        UNSYNCED_EXCLUDED
    }
}

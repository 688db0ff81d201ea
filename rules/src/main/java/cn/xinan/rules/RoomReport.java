package cn.xinan.rules;

import java.util.List;
import java.util.Objects;

/**
 * One room's verdicts over a period, with what they were computed from.
 *
 * @param room                   the room id
 * @param tier                   the room's tier, which chose the thresholds
 * @param days                   every local date of the period, in order
 * @param weeks                  every ISO week touching the period, in order; each over its full seven days
 * @param excludedUnsyncedEvents distinct events left out of the accounting because the device clock was not
 *                               synchronised when they were recorded (docs/rules.md §6)
 * @param settings               the settings the verdicts were computed with (rule version included)
 */
public record RoomReport(String room, Tier tier, List<DayResult> days, List<WeekResult> weeks,
                         int excludedUnsyncedEvents, RuleSettings settings) {
    public RoomReport {
        if (room == null || room.isBlank()) {
            throw new IllegalArgumentException("room is missing");
        }
        Objects.requireNonNull(tier, "tier is missing");
        days = List.copyOf(Objects.requireNonNull(days, "days is missing"));
        weeks = List.copyOf(Objects.requireNonNull(weeks, "weeks is missing"));
        if (excludedUnsyncedEvents < 0) {
            throw new IllegalArgumentException("excludedUnsyncedEvents must not be negative, was "
                    + excludedUnsyncedEvents);
        }
        Objects.requireNonNull(settings, "settings is missing");
    }

    /** The thresholds that applied to this room (its tier's). */
    public Thresholds thresholds() {
        return settings.thresholdsFor(tier);
    }

    /** This room's compliance rates over the report's days and weeks. */
    public ComplianceRate compliance() {
        return ComplianceRate.of(this);
    }
}

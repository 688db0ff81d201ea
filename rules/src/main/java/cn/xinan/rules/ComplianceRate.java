package cn.xinan.rules;

import java.util.Collection;
import java.util.OptionalDouble;

/**
 * Met units over required units, days and weeks apart (docs/rules.md §5): {@code NOT_REQUIRED} units are left
 * out, {@code NO_DATA} units are required and not met.
 *
 * @param metDays       days with verdict {@code MET}
 * @param requiredDays  days with verdict {@code MET}, {@code NOT_MET} or {@code NO_DATA}
 * @param metWeeks      weeks with verdict {@code MET}
 * @param requiredWeeks weeks with verdict {@code MET}, {@code NOT_MET} or {@code NO_DATA}
 */
public record ComplianceRate(int metDays, int requiredDays, int metWeeks, int requiredWeeks) {
    /** Nothing required, nothing met: the neutral element of {@link #plus}. */
    public static final ComplianceRate NONE = new ComplianceRate(0, 0, 0, 0);

    public ComplianceRate {
        if (metDays < 0 || metDays > requiredDays) {
            throw new IllegalArgumentException("metDays must be between 0 and requiredDays (" + requiredDays
                    + "), was " + metDays);
        }
        if (metWeeks < 0 || metWeeks > requiredWeeks) {
            throw new IllegalArgumentException("metWeeks must be between 0 and requiredWeeks (" + requiredWeeks
                    + "), was " + metWeeks);
        }
    }

    /** The rates of one room over its report's days and weeks. */
    public static ComplianceRate of(RoomReport report) {
        int metDays = 0;
        int requiredDays = 0;
        for (DayResult day : report.days()) {
            if (day.verdict().isRequired()) {
                requiredDays++;
                if (day.verdict() == Verdict.MET) {
                    metDays++;
                }
            }
        }
        int metWeeks = 0;
        int requiredWeeks = 0;
        for (WeekResult week : report.weeks()) {
            if (week.verdict().isRequired()) {
                requiredWeeks++;
                if (week.verdict() == Verdict.MET) {
                    metWeeks++;
                }
            }
        }
        return new ComplianceRate(metDays, requiredDays, metWeeks, requiredWeeks);
    }

    /** The rates aggregated over many rooms: units are summed, so every room-day weighs the same. */
    public static ComplianceRate over(Collection<RoomReport> reports) {
        ComplianceRate sum = NONE;
        for (RoomReport report : reports) {
            sum = sum.plus(of(report));
        }
        return sum;
    }

    /** The sum of these counts and {@code other}'s. */
    public ComplianceRate plus(ComplianceRate other) {
        return new ComplianceRate(metDays + other.metDays, requiredDays + other.requiredDays,
                metWeeks + other.metWeeks, requiredWeeks + other.requiredWeeks);
    }

    /** {@code metDays / requiredDays}, between 0 and 1; empty when no day was required. */
    public OptionalDouble dayRate() {
        return requiredDays == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) metDays / requiredDays);
    }

    /** {@code metWeeks / requiredWeeks}, between 0 and 1; empty when no week was required. */
    public OptionalDouble weekRate() {
        return requiredWeeks == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) metWeeks / requiredWeeks);
    }
}

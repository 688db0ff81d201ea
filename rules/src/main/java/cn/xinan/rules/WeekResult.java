package cn.xinan.rules;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.IsoFields;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One room's figures for one ISO week, Monday 00:00 to the next Monday 00:00 Asia/Shanghai.
 *
 * @param week            the ISO week, for example {@code 2025-W10}
 * @param schoolDays      school days in the week (0 to 7)
 * @param requiredSeconds attended seconds required by the tier's weekly threshold and the week policy; 0
 *                        when the week is not assessed
 * @param attendedSeconds attended seconds over all seven days (school days or not)
 * @param verdict         {@code NOT_REQUIRED} when not assessed, {@code NO_DATA} when the device showed no sign
 *                        of life all week, else {@code MET}/{@code NOT_MET}
 */
public record WeekResult(String week, int schoolDays, long requiredSeconds, long attendedSeconds, Verdict verdict) {
    private static final Pattern ISO_WEEK = Pattern.compile("\\d{4}-W\\d{2}");

    public WeekResult {
        Objects.requireNonNull(week, "week is missing");
        if (!ISO_WEEK.matcher(week).matches()) {
            throw new IllegalArgumentException("week '" + week + "' is not an ISO week like 2025-W10");
        }
        if (schoolDays < 0 || schoolDays > 7) {
            throw new IllegalArgumentException("schoolDays must be between 0 and 7, was " + schoolDays);
        }
        if (requiredSeconds < 0 || attendedSeconds < 0) {
            throw new IllegalArgumentException("seconds must not be negative: required " + requiredSeconds
                    + ", attended " + attendedSeconds);
        }
        Objects.requireNonNull(verdict, "verdict is missing");
    }

    /** The ISO week name of the week containing {@code date}, for example {@code 2025-W10}. */
    public static String isoWeekOf(LocalDate date) {
        return String.format("%04d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR),
                date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    /** The Monday starting the ISO week containing {@code date}. */
    public static LocalDate mondayOf(LocalDate date) {
        return date.minusDays(date.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue());
    }
}

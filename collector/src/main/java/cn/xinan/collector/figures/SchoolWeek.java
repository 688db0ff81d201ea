package cn.xinan.collector.figures;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.Objects;

/**
 * One school's ISO week of figures: the unit {@link FiguresWriter} records what it wrote the figures with (the
 * {@linkplain cn.xinan.collector.verdict.VerdictService#weekBasis basis}) and rewrites when that changed.
 *
 * @param school the registry's school id
 * @param monday the week's Monday
 */
public record SchoolWeek(String school, LocalDate monday) {
    public SchoolWeek {
        if (school == null || school.isBlank()) {
            throw new IllegalArgumentException("school is missing");
        }
        Objects.requireNonNull(monday, "monday is missing");
        if (monday.getDayOfWeek() != DayOfWeek.MONDAY) {
            throw new IllegalArgumentException("week of school " + school + " starts on " + monday + ", a "
                    + monday.getDayOfWeek() + ", not a Monday");
        }
    }
}

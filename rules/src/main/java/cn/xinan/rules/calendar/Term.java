package cn.xinan.rules.calendar;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A school term (学期) from the school calendar (校历): the days from 开学 to 放假, both included.
 *
 * @param start first day of the term
 * @param end   last day of the term (inclusive), not before {@code start}
 */
public record Term(LocalDate start, LocalDate end) {
    public Term {
        Objects.requireNonNull(start, "term start is missing");
        Objects.requireNonNull(end, "term end is missing");
        if (end.isBefore(start)) {
            throw new IllegalArgumentException("term end " + end + " is before its start " + start);
        }
    }

    /** Whether {@code date} is inside this term. */
    public boolean contains(LocalDate date) {
        return !date.isBefore(start) && !date.isAfter(end);
    }
}

package cn.xinan.rules.calendar;

import java.time.LocalDate;
import java.util.List;

/**
 * Which days count (docs/rules.md §4): a school day is inside one of the school's terms, a working day
 * (a weekday that is not a statutory holiday, or a statutory make-up workday), and not a declared closure.
 *
 * <p>The standard implementation is built with {@link #of(NationalCalendar, List)} from the national
 * schedule and the bureau's and the school's {@link CalendarLayer}s; tests may pass a lambda.
 */
@FunctionalInterface
public interface SchoolCalendar {

    /** Whether {@code date} is a school day, on which the daily threshold applies. */
    boolean isSchoolDay(LocalDate date);

    /**
     * The calendar of a school: the national schedule overlaid with {@code layers} in order (typically the
     * bureau's, then the school's). A layer that gives terms replaces the terms of the layers before it;
     * closures add up; a layer's holidays and workdays override the national data and earlier layers for
     * the dates they list. When no layer gives terms, every working day is inside a term (no vacations
     * known), which is the bundled default calendar.
     */
    static SchoolCalendar of(NationalCalendar national, List<CalendarLayer> layers) {
        return new LayeredSchoolCalendar(national, layers);
    }

    /** Same as {@link #of(NationalCalendar, List)}. */
    static SchoolCalendar of(NationalCalendar national, CalendarLayer... layers) {
        return new LayeredSchoolCalendar(national, List.of(layers));
    }
}

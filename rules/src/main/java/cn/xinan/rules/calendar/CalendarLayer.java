package cn.xinan.rules.calendar;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One level of calendar settings: a bureau's (教育局) or a school's own overrides, or the replay's
 * CALENDAR.json. Layers are stacked on the national schedule by {@link SchoolCalendar#of}.
 *
 * @param terms    the terms, replacing those of lower layers; empty when this layer does not set terms (a
 *                 school that follows its bureau). An empty list given is different: no term at all, so no
 *                 school day.
 * @param closures days the school or bureau declared closed (exams, emergencies): never school days
 * @param holidays extra days off, overriding the national data and lower layers for these dates
 * @param workdays extra working days, overriding the national data and lower layers for these dates
 */
public record CalendarLayer(Optional<List<Term>> terms, Set<LocalDate> closures, Set<LocalDate> holidays,
                            Set<LocalDate> workdays) {
    /** A layer that changes nothing. */
    public static final CalendarLayer EMPTY = new CalendarLayer(Optional.empty(), Set.of(), Set.of(), Set.of());

    public CalendarLayer {
        Objects.requireNonNull(terms, "terms is missing (use Optional.empty() to keep the lower layer's)");
        terms = terms.map(List::copyOf);
        closures = Set.copyOf(Objects.requireNonNull(closures, "closures is missing"));
        holidays = Set.copyOf(Objects.requireNonNull(holidays, "holidays is missing"));
        workdays = Set.copyOf(Objects.requireNonNull(workdays, "workdays is missing"));
        Set<LocalDate> both = new HashSet<>(holidays);
        both.retainAll(workdays);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException("dates listed in both holidays and workdays: "
                    + both.stream().sorted().toList());
        }
    }

    /** A layer that sets the terms and nothing else. */
    public static CalendarLayer ofTerms(List<Term> terms) {
        return new CalendarLayer(Optional.of(terms), Set.of(), Set.of(), Set.of());
    }
}

package cn.xinan.rules.calendar;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** The national schedule with calendar layers on top; see {@link SchoolCalendar#of(NationalCalendar, List)}. */
final class LayeredSchoolCalendar implements SchoolCalendar {
    private final NationalCalendar national;
    /** The effective terms, or {@code null} when no layer sets any (no vacations known). */
    private final List<Term> terms;
    private final Set<LocalDate> closures;
    /** Layer overrides: true for an extra workday, false for an extra holiday; later layers win. */
    private final Map<LocalDate, Boolean> overrides;

    LayeredSchoolCalendar(NationalCalendar national, List<CalendarLayer> layers) {
        this.national = Objects.requireNonNull(national, "national calendar is missing");
        List<Term> effectiveTerms = null;
        Set<LocalDate> allClosures = new HashSet<>();
        Map<LocalDate, Boolean> allOverrides = new HashMap<>();
        for (CalendarLayer layer : layers) {
            Objects.requireNonNull(layer, "calendar layer is missing");
            if (layer.terms().isPresent()) {
                effectiveTerms = layer.terms().get();
            }
            allClosures.addAll(layer.closures());
            layer.holidays().forEach(d -> allOverrides.put(d, Boolean.FALSE));
            layer.workdays().forEach(d -> allOverrides.put(d, Boolean.TRUE));
        }
        this.terms = effectiveTerms;
        this.closures = Set.copyOf(allClosures);
        this.overrides = Map.copyOf(allOverrides);
    }

    @Override
    public boolean isSchoolDay(LocalDate date) {
        Objects.requireNonNull(date, "date is missing");
        if (closures.contains(date) || !inTerm(date)) {
            return false;
        }
        Boolean workday = overrides.get(date);
        return workday != null ? workday : national.isWorkingDay(date);
    }

    private boolean inTerm(LocalDate date) {
        if (terms == null) {
            return true;
        }
        for (Term term : terms) {
            if (term.contains(date)) {
                return true;
            }
        }
        return false;
    }
}

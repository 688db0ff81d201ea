package cn.xinan.rules.calendar;

import java.time.LocalDate;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * One year's statutory schedule as published by the State Council General Office (国务院办公厅关于 YYYY
 * 年部分节假日安排的通知, usually in November of the year before).
 *
 * @param year     the year of the notice
 * @param source   where the facts come from (the notice's title), may be empty
 * @param holidays days off (放假), weekdays at least; weekend days may be listed too
 * @param workdays make-up workdays (调休上班日), usually weekend days
 */
public record NationalYear(int year, String source, Set<LocalDate> holidays, Set<LocalDate> workdays) {
    public NationalYear {
        if (year < 2000 || year > 2099) {
            throw new IllegalArgumentException("year must be between 2000 and 2099, was " + year);
        }
        source = source == null ? "" : source;
        holidays = Set.copyOf(Objects.requireNonNull(holidays, "holidays is missing"));
        workdays = Set.copyOf(Objects.requireNonNull(workdays, "workdays is missing"));
        Set<LocalDate> both = new HashSet<>(holidays);
        both.retainAll(workdays);
        if (!both.isEmpty()) {
            throw new IllegalArgumentException(year + ": dates listed in both holidays and workdays: "
                    + both.stream().sorted().toList());
        }
    }
}

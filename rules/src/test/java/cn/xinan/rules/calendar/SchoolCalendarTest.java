package cn.xinan.rules.calendar;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which days count (docs/rules.md §4): terms, working days, closures, bureau and school layers. */
class SchoolCalendarTest {
    private static final NationalCalendar NATIONAL = NationalCalendar.bundled();
    private static final CalendarLayer SPRING_2025 = CalendarLayer.ofTerms(
            List.of(new Term(LocalDate.of(2025, 2, 17), LocalDate.of(2025, 7, 4))));

    private static LocalDate d(String date) {
        return LocalDate.parse(date);
    }

    @Test
    void aSchoolDayIsAWorkingDayInsideATerm() {
        SchoolCalendar calendar = SchoolCalendar.of(NATIONAL, SPRING_2025);

        assertThat(calendar.isSchoolDay(d("2025-02-17"))).as("first day of term").isTrue();
        assertThat(calendar.isSchoolDay(d("2025-07-04"))).as("last day of term").isTrue();
        assertThat(calendar.isSchoolDay(d("2025-02-14"))).as("before the term").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-07-07"))).as("summer vacation").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-03-08"))).as("a Saturday").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-05-05"))).as("a statutory holiday on a Monday").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-04-27"))).as("a make-up workday in term").isTrue();
    }

    @Test
    void aMakeUpWorkdayOutsideEveryTermIsNotASchoolDay() {
        SchoolCalendar calendar = SchoolCalendar.of(NATIONAL, SPRING_2025);

        assertThat(NATIONAL.isMakeUpWorkday(d("2025-02-08"))).isTrue();
        assertThat(calendar.isSchoolDay(d("2025-02-08"))).isFalse();
    }

    @Test
    void aClosureIsNeverASchoolDay() {
        CalendarLayer bureau = new CalendarLayer(SPRING_2025.terms(), Set.of(d("2025-04-18")), Set.of(), Set.of());

        assertThat(SchoolCalendar.of(NATIONAL, bureau).isSchoolDay(d("2025-04-18"))).isFalse();
    }

    @Test
    void aLayersHolidaysAndWorkdaysOverrideTheNationalData() {
        CalendarLayer bureau = new CalendarLayer(SPRING_2025.terms(), Set.of(),
                Set.of(d("2025-03-04")), Set.of(d("2025-05-05"), d("2025-03-08")));
        SchoolCalendar calendar = SchoolCalendar.of(NATIONAL, bureau);

        assertThat(calendar.isSchoolDay(d("2025-03-04"))).as("extra holiday").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-05-05"))).as("national holiday made a workday").isTrue();
        assertThat(calendar.isSchoolDay(d("2025-03-08"))).as("extra workday").isTrue();
    }

    @Test
    void aSchoolReplacesTheBureauTermsAndAddsClosuresAndDays() {
        CalendarLayer bureau = new CalendarLayer(SPRING_2025.terms(), Set.of(d("2025-04-18")),
                Set.of(d("2025-03-04")), Set.of());
        CalendarLayer school = new CalendarLayer(
                Optional.of(List.of(new Term(d("2025-02-24"), d("2025-06-30")))),
                Set.of(d("2025-06-09")), Set.of(), Set.of(d("2025-03-04")));
        SchoolCalendar calendar = SchoolCalendar.of(NATIONAL, bureau, school);

        assertThat(calendar.isSchoolDay(d("2025-02-17"))).as("before the school's own term").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-07-01"))).as("after the school's own term").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-04-18"))).as("the bureau's closure still holds").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-06-09"))).as("the school's closure").isFalse();
        assertThat(calendar.isSchoolDay(d("2025-03-04"))).as("the school overrides the bureau").isTrue();
    }

    @Test
    void aSchoolWithoutTermsFollowsItsBureau() {
        CalendarLayer school = new CalendarLayer(Optional.empty(), Set.of(d("2025-06-09")), Set.of(), Set.of());
        SchoolCalendar calendar = SchoolCalendar.of(NATIONAL, SPRING_2025, school);

        assertThat(calendar.isSchoolDay(d("2025-07-07"))).isFalse();
        assertThat(calendar.isSchoolDay(d("2025-06-10"))).isTrue();
    }

    @Test
    void withoutAnyTermsEveryWorkingDayCounts() {
        SchoolCalendar defaults = SchoolCalendar.of(NATIONAL);

        assertThat(defaults.isSchoolDay(d("2025-08-04"))).isTrue();
        assertThat(defaults.isSchoolDay(d("2025-10-08"))).isFalse();
        assertThat(defaults.isSchoolDay(d("2025-10-11"))).isTrue();
    }

    @Test
    void theReplayCalendarFileLoadsDirectly() {
        CalendarLayer replay = CalendarFiles.readLayer("CALENDAR.json", new StringReader("""
                {"terms": [{"start": "2025-02-17", "end": "2025-07-04"}],
                 "closures": ["2025-04-18"],
                 "holidays": [], "workdays": []}
                """));
        SchoolCalendar calendar = SchoolCalendar.of(NATIONAL, replay);

        assertThat(calendar.isSchoolDay(d("2025-04-17"))).isTrue();
        assertThat(calendar.isSchoolDay(d("2025-04-18"))).isFalse();
        assertThat(calendar.isSchoolDay(d("2025-07-07"))).isFalse();
    }
}

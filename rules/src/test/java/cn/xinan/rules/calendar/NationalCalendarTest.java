package cn.xinan.rules.calendar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bundled national schedule holds exactly the facts of docs/calendar.md, and can be extended. */
class NationalCalendarTest {
    /** docs/calendar.md, "The facts behind the bundled data", transcribed as written. */
    private static final String[][] POLICY = {
            {"2023", "off", "Jan 2, Jan 23–27, Apr 5, May 1–3, Jun 22–23, Sep 29, Oct 2–6"},
            {"2023", "work", "Jan 28, Jan 29, Apr 23, May 6, Jun 25, Oct 7, Oct 8"},
            {"2024", "off", "Jan 1, Feb 12–16, Apr 4–5, May 1–3, Jun 10, Sep 16–17, Oct 1–4, Oct 7"},
            {"2024", "work", "Feb 4, Feb 18, Apr 7, Apr 28, May 11, Sep 14, Sep 29, Oct 12"},
            {"2025", "off", "Jan 1, Jan 28–31, Feb 3–4, Apr 4, May 1–2, May 5, Jun 2, Oct 1–3, Oct 6–8"},
            {"2025", "work", "Jan 26, Feb 8, Apr 27, Sep 28, Oct 11"},
            {"2026", "off", "Jan 1–2, Feb 16–20, Feb 23, Apr 6, May 1, May 4–5, Jun 19, Sep 25, Oct 1–2, Oct 5–7"},
            {"2026", "work", "Jan 4, Feb 14, Feb 28, May 9, Sep 20, Oct 10"},
    };

    private static final NationalCalendar BUNDLED = NationalCalendar.bundled();

    static List<LocalDate> policyDates(int year, String kind) {
        List<LocalDate> dates = new ArrayList<>();
        for (String[] row : POLICY) {
            if (Integer.parseInt(row[0]) != year || !row[1].equals(kind)) {
                continue;
            }
            for (String item : row[2].split(", ")) {
                String[] monthDays = item.split(" ");
                int month = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                        "Dec").indexOf(monthDays[0]) + 1;
                String[] range = monthDays[1].split("–");
                int first = Integer.parseInt(range[0]);
                int last = Integer.parseInt(range[range.length - 1]);
                for (int day = first; day <= last; day++) {
                    dates.add(LocalDate.of(year, month, day));
                }
            }
        }
        return dates;
    }

    static Stream<Arguments> policyHolidays() {
        return Stream.of(2023, 2024, 2025, 2026).flatMap(y -> policyDates(y, "off").stream()).map(Arguments::of);
    }

    static Stream<Arguments> policyWorkdays() {
        return Stream.of(2023, 2024, 2025, 2026).flatMap(y -> policyDates(y, "work").stream()).map(Arguments::of);
    }

    @ParameterizedTest(name = "{0} is a statutory holiday")
    @MethodSource("policyHolidays")
    void everyPolicyHolidayIsADayOff(LocalDate date) {
        assertThat(BUNDLED.isHoliday(date)).isTrue();
        assertThat(BUNDLED.isWorkingDay(date)).isFalse();
        assertThat(date.getDayOfWeek()).as("POLICY lists weekday holidays").isNotIn(DayOfWeek.SATURDAY,
                DayOfWeek.SUNDAY);
    }

    @ParameterizedTest(name = "{0} is a make-up workday")
    @MethodSource("policyWorkdays")
    void everyPolicyMakeUpWorkdayIsAWorkingDay(LocalDate date) {
        assertThat(BUNDLED.isMakeUpWorkday(date)).isTrue();
        assertThat(BUNDLED.isWorkingDay(date)).isTrue();
        assertThat(date.getDayOfWeek()).as("make-up workdays fall on week ends").isIn(DayOfWeek.SATURDAY,
                DayOfWeek.SUNDAY);
    }

    @Test
    void theBundledDataHoldsNothingBeyondPolicy() {
        assertThat(BUNDLED.years()).containsExactly(2023, 2024, 2025, 2026);
        for (int year = 2023; year <= 2026; year++) {
            NationalYear data = BUNDLED.year(year).orElseThrow();
            assertThat(new TreeSet<>(data.holidays())).as("holidays of %d", year)
                    .containsExactlyElementsOf(policyDates(year, "off"));
            assertThat(new TreeSet<>(data.workdays())).as("workdays of %d", year)
                    .containsExactlyElementsOf(policyDates(year, "work"));
            assertThat(data.source()).contains(year + "年部分节假日安排");
        }
    }

    @Test
    void ordinaryWeekdaysWorkAndWeekendsRest() {
        assertThat(BUNDLED.isWorkingDay(LocalDate.of(2025, 3, 3))).isTrue();
        assertThat(BUNDLED.isWorkingDay(LocalDate.of(2025, 3, 8))).isFalse();
        assertThat(BUNDLED.isWorkingDay(LocalDate.of(2030, 1, 1))).as("a year without data").isTrue();
        assertThat(BUNDLED.covers(2030)).isFalse();
    }

    @Test
    void aNewYearIsAddedFromTheExtraDirectoryWithoutARelease(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("2027.json"), """
                {"year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
                 "holidays": ["2027-01-01", "2027-02-08"], "workdays": ["2027-02-06"]}
                """);
        Files.writeString(dir.resolve("README.txt"), "not a calendar");

        NationalCalendar calendar = NationalCalendar.load(dir);

        assertThat(calendar.years()).containsExactly(2023, 2024, 2025, 2026, 2027);
        assertThat(calendar.isHoliday(LocalDate.of(2027, 2, 8))).isTrue();
        assertThat(calendar.isWorkingDay(LocalDate.of(2027, 2, 6))).isTrue();
        assertThat(calendar.isHoliday(LocalDate.of(2025, 5, 5))).as("bundled years stay").isTrue();
    }

    @Test
    void aFileInTheExtraDirectoryReplacesTheBundledYear(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("2025.json"), """
                {"year": 2025, "holidays": ["2025-01-01"], "workdays": []}
                """);

        NationalCalendar calendar = NationalCalendar.load(dir);

        assertThat(calendar.isHoliday(LocalDate.of(2025, 1, 1))).isTrue();
        assertThat(calendar.isHoliday(LocalDate.of(2025, 5, 5))).isFalse();
        assertThat(calendar.isMakeUpWorkday(LocalDate.of(2025, 4, 27))).isFalse();
        assertThat(calendar.isHoliday(LocalDate.of(2024, 5, 1))).isTrue();
    }

    @Test
    void aMalformedFileInTheExtraDirectoryIsRejectedByName(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("2027.json"), "{\"year\": 2027, \"holidays\": [\"2027-13-01\"], \"workdays\": []}");

        assertThatThrownBy(() -> NationalCalendar.load(dir))
                .isInstanceOf(CalendarFileException.class)
                .hasMessageContaining("2027.json line 1: \"holidays\"[0] is not a date: \"2027-13-01\"");
    }

    @Test
    void aMissingExtraDirectoryIsRejected(@TempDir Path dir) {
        Path missing = dir.resolve("national");

        assertThatThrownBy(() -> NationalCalendar.load(missing))
                .isInstanceOf(CalendarFileException.class)
                .hasMessage(missing + ": national calendar directory not found");
    }

    @Test
    void ofKeepsTheLaterOfTwoFilesForTheSameYear() {
        NationalCalendar calendar = NationalCalendar.of(List.of(
                new NationalYear(2027, "first", Set.of(LocalDate.of(2027, 1, 1)), Set.of()),
                new NationalYear(2027, "second", Set.of(LocalDate.of(2027, 1, 4)), Set.of())));

        assertThat(calendar.isHoliday(LocalDate.of(2027, 1, 1))).isFalse();
        assertThat(calendar.isHoliday(LocalDate.of(2027, 1, 4))).isTrue();
    }
}

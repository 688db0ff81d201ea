package cn.xinan.collector.verdict;

import cn.xinan.collector.CalendarSources;
import cn.xinan.rules.calendar.CalendarFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchoolCalendarsTest {
    private static final LocalDate MONDAY = LocalDate.of(2025, 3, 3);
    private static final LocalDate EXAM_DAY = LocalDate.of(2025, 3, 4);
    private static final LocalDate WINTER_BREAK_MONDAY = LocalDate.of(2025, 2, 10);

    @TempDir
    Path dir;

    private Path write(String name, String json) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, json);
        return file;
    }

    @Test
    void aSchoolLayerOverridesTheBureauLayerForThatSchoolOnly() throws IOException {
        Path bureau = write("bureau.json", """
                {"terms":[{"start":"2025-02-17","end":"2025-07-04"}],"closures":[],"holidays":[],"workdays":[]}""");
        write("schools/jm-db-001.json", """
                {"closures":["2025-03-04"]}""");
        write("schools/jm-dd-001.json", """
                {"terms":[{"start":"2025-02-10","end":"2025-07-04"}]}""");
        SchoolCalendars calendars = SchoolCalendars.load(
                new CalendarSources(Optional.of(bureau), Optional.empty(), Optional.of(dir.resolve("schools"))));

        assertThat(calendars.forSchool("jm-db-001").isSchoolDay(EXAM_DAY)).isFalse();
        assertThat(calendars.forSchool("jm-db-001").isSchoolDay(MONDAY)).isTrue();
        assertThat(calendars.forSchool("jm-db-002").isSchoolDay(EXAM_DAY)).isTrue();
        assertThat(calendars.forSchool("jm-db-002").isSchoolDay(WINTER_BREAK_MONDAY)).isFalse();
        assertThat(calendars.forSchool("jm-dd-001").isSchoolDay(WINTER_BREAK_MONDAY)).isTrue();
    }

    @Test
    void aNewYearsNoticeInTheNationalFolderNeedsNoRelease() throws IOException {
        LocalDate newYear2027 = LocalDate.of(2027, 1, 1); // a Friday
        SchoolCalendars bundled = SchoolCalendars.load(CalendarSources.bureau(Optional.empty()));
        assertThat(bundled.forSchool("any").isSchoolDay(newYear2027)).isTrue();

        write("national/2027.json", """
                {"year":2027,"source":"test notice","holidays":["2027-01-01"],"workdays":[]}""");
        SchoolCalendars withNotice = SchoolCalendars.load(
                new CalendarSources(Optional.empty(), Optional.of(dir.resolve("national")), Optional.empty()));
        assertThat(withNotice.forSchool("any").isSchoolDay(newYear2027)).isFalse();
        assertThat(withNotice.forSchool("any").isSchoolDay(LocalDate.of(2025, 5, 1))).isFalse();
    }

    @Test
    void aMalformedSchoolLayerIsRejectedWithItsFileName() throws IOException {
        write("schools/jm-db-001.json", """
                {"closures":["2025-02-30"]}""");
        assertThatThrownBy(() -> SchoolCalendars.load(
                new CalendarSources(Optional.empty(), Optional.empty(), Optional.of(dir.resolve("schools")))))
                .isInstanceOf(CalendarFileException.class)
                .hasMessageContaining("jm-db-001.json")
                .hasMessageContaining("2025-02-30");
    }
}

package cn.xinan.rules.calendar;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Calendar files are read strictly; every rejection names the file, the line, the field and the problem. */
class CalendarFilesTest {

    private static CalendarLayer layer(String json) {
        return CalendarFiles.readLayer("CALENDAR.json", new StringReader(json));
    }

    private static NationalYear national(String name, String json) {
        return CalendarFiles.readNationalYear(name, new StringReader(json));
    }

    @Test
    void readsTheReplayCalendarFormat() {
        CalendarLayer read = layer("""
                {"terms": [{"start": "2025-02-17", "end": "2025-07-04", "name": "2025 spring"}],
                 "closures": ["2025-04-18"], "holidays": ["2025-03-04"], "workdays": ["2025-03-08"]}
                """);

        assertThat(read).isEqualTo(new CalendarLayer(
                Optional.of(List.of(new Term(LocalDate.parse("2025-02-17"), LocalDate.parse("2025-07-04")))),
                Set.of(LocalDate.parse("2025-04-18")), Set.of(LocalDate.parse("2025-03-04")),
                Set.of(LocalDate.parse("2025-03-08"))));
    }

    @Test
    void everyFieldOfALayerIsOptional() {
        assertThat(layer("{}")).isEqualTo(CalendarLayer.EMPTY);
    }

    @Test
    void aBadDateNamesFileLineFieldAndValue() {
        assertThatThrownBy(() -> national("2027.json", """
                {
                  "year": 2027,
                  "holidays": ["2027-01-01", "2027-02-08",
                               "2027-02-30"],
                  "workdays": []
                }
                """))
                .isInstanceOf(CalendarFileException.class)
                .hasMessage("2027.json line 4: \"holidays\"[2] is not a date: \"2027-02-30\"");
    }

    @Test
    void aBadTermDateNamesTheTermField() {
        assertThatThrownBy(() -> layer("{\"terms\": [{\"start\": \"2025-02-17\", \"end\": \"2025-7-4\"}]}"))
                .hasMessage("CALENDAR.json line 1: \"terms\"[0].end is not a date: \"2025-7-4\"");
    }

    @Test
    void anUnknownFieldIsRejected() {
        assertThatThrownBy(() -> layer("{\"terms\": [],\n \"holiday\": [\"2025-05-05\"]}"))
                .isInstanceOf(CalendarFileException.class)
                .hasMessage("CALENDAR.json line 2: unknown field \"holiday\" (expected \"terms\", \"closures\", "
                        + "\"holidays\", \"workdays\")");
    }

    @Test
    void aWrongTypeIsRejected() {
        assertThatThrownBy(() -> layer("{\n\"closures\": \"2025-04-18\"}"))
                .hasMessage("CALENDAR.json line 2: \"closures\" must be an array of dates (\"YYYY-MM-DD\"), "
                        + "found a string");
        assertThatThrownBy(() -> layer("{\"workdays\": [20250308]}"))
                .hasMessage("CALENDAR.json line 1: \"workdays\"[0] must be a date \"YYYY-MM-DD\", found a number");
        assertThatThrownBy(() -> national("2027.json", "{\"year\": \"2027\", \"holidays\": [], \"workdays\": []}"))
                .hasMessage("2027.json line 1: \"year\" must be a whole number, found a string");
        assertThatThrownBy(() -> layer("[]"))
                .hasMessage("CALENDAR.json line 1: expected a JSON object, found an array");
    }

    @Test
    void badJsonIsRejectedWithItsLine() {
        assertThatThrownBy(() -> layer("{\"terms\": [\n{\"start\": \"2025-02-17\",, }]}"))
                .isInstanceOf(CalendarFileException.class)
                .hasMessageStartingWith("CALENDAR.json line 2: not valid JSON: ");
        assertThatThrownBy(() -> layer("{\"closures\": [] } {}"))
                .hasMessage("CALENDAR.json line 1: unexpected content after the JSON object");
        assertThatThrownBy(() -> layer(""))
                .hasMessage("CALENDAR.json: is empty, expected a JSON object");
        assertThatThrownBy(() -> layer("{\"closures\": [], \"closures\": []}"))
                .hasMessageStartingWith("CALENDAR.json line 1: not valid JSON: Duplicate field 'closures'");
    }

    @Test
    void aMissingFileIsRejectedByName(@TempDir Path dir) {
        Path missing = dir.resolve("CALENDAR.json");

        assertThatThrownBy(() -> CalendarFiles.readLayer(missing))
                .isInstanceOf(CalendarFileException.class)
                .hasMessage(missing + ": calendar file not found");
    }

    @Test
    void aFileThatIsNotUtf8IsRejected(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("CALENDAR.json");
        Files.write(file, new byte[]{'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'});

        assertThatThrownBy(() -> CalendarFiles.readLayer(file))
                .isInstanceOf(CalendarFileException.class)
                .hasMessageStartingWith(file.toString());
    }

    @Test
    void aTermMustNotEndBeforeItStarts() {
        assertThatThrownBy(() -> layer("{\"terms\": [{\"start\": \"2025-07-04\", \"end\": \"2025-02-17\"}]}"))
                .hasMessage("CALENDAR.json line 1: \"terms\"[0]: end 2025-02-17 is before start 2025-07-04");
        assertThatThrownBy(() -> layer("{\"terms\": [{\"start\": \"2025-07-04\"}]}"))
                .hasMessage("CALENDAR.json line 1: \"terms\"[0].end is missing");
    }

    @Test
    void aDateCannotBeBothAHolidayAndAWorkday() {
        assertThatThrownBy(() -> layer("{\"holidays\": [\"2025-05-05\"], \"workdays\": [\"2025-05-05\"]}"))
                .hasMessage("CALENDAR.json: \"2025-05-05\" is listed in both \"holidays\" and \"workdays\"");
    }

    @Test
    void aNationalFileMustBeNamedAfterItsYearAndSayIt() {
        assertThatThrownBy(() -> national("holidays.json", "{}"))
                .hasMessage("holidays.json: a national calendar file must be named after its year, like 2027.json");
        assertThatThrownBy(() -> national("2027.json", "{\"year\": 2026, \"holidays\": [], \"workdays\": []}"))
                .hasMessage("2027.json line 1: \"year\" is 2026 but the file name says 2027");
        assertThatThrownBy(() -> national("2027.json", "{\"holidays\": [], \"workdays\": []}"))
                .hasMessage("2027.json: \"year\" is missing");
        assertThatThrownBy(() -> national("2027.json", "{\"year\": 2027, \"workdays\": []}"))
                .hasMessage("2027.json: \"holidays\" is missing");
    }

    @Test
    void aNationalDateMustBelongToItsYear() {
        assertThatThrownBy(() -> national("2027.json",
                "{\"year\": 2027, \"holidays\": [\"2072-01-01\"], \"workdays\": []}"))
                .hasMessage("2027.json line 1: \"holidays\"[0] 2072-01-01 is not in 2027 (nor in 2026, where a "
                        + "notice may start a holiday)");
        assertThat(national("2018.json", "{\"year\": 2018, \"holidays\": [\"2017-12-30\"], \"workdays\": []}")
                .holidays()).containsExactly(LocalDate.parse("2017-12-30"));
    }
}

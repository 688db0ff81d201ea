package cn.xinan.launcher.replay;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectedResultTest {
    private static final String EXPECTED = """
            {"rule":{"dailySeconds":3600},"rooms":[{"room":"r1","tier":"合格",
             "days":[{"date":"2025-03-06","schoolDay":true,"openSeconds":4200,"attendedSeconds":4200,"checkins":3,"verdict":"MET"}],
             "weeks":[{"week":"2025-W10","schoolDays":5,"requiredSeconds":36000,"attendedSeconds":25680,"verdict":"NOT_MET"}]}]}
            """;

    private static String actual(long open, long weekAttended, String verdict) {
        return """
                {"rule":{"version":"1.0","dailySeconds":3600},"rooms":[{"room":"r1","tier":"合格","extra":1,
                 "days":[{"date":"2025-03-06","schoolDay":true,"openSeconds":%d,"attendedSeconds":4200,"checkins":3,"verdict":"%s"}],
                 "weeks":[{"week":"2025-W10","schoolDays":5,"requiredSeconds":36000,"attendedSeconds":%d,"verdict":"NOT_MET"}]}]}
                """.formatted(open, verdict, weekAttended);
    }

    @Test
    void extraFieldsAreAllowedAndEqualValuesPass() throws Exception {
        assertThat(ExpectedResult.differences(EXPECTED, actual(4200, 25680, "MET"), Map.of())).isEmpty();
    }

    @Test
    void anyOtherValueIsADifference() throws Exception {
        assertThat(ExpectedResult.differences(EXPECTED, actual(4201, 25680, "NOT_MET"), Map.of())).containsExactly(
                "r1 2025-03-06.openSeconds: expected 4200, got 4201",
                "r1 2025-03-06.verdict: expected \"MET\", got \"NOT_MET\"");
    }

    @Test
    void secondsMayDifferBy120OnlyOnPowerLossDaysAndTheirWeeks() throws Exception {
        Map<String, Set<LocalDate>> loss = Map.of("r1", Set.of(LocalDate.of(2025, 3, 6)));
        assertThat(ExpectedResult.differences(EXPECTED, actual(4320, 25560, "MET"), loss)).isEmpty();
        assertThat(ExpectedResult.differences(EXPECTED, actual(4321, 25680, "MET"), loss))
                .containsExactly("r1 2025-03-06.openSeconds: expected 4200 ±120, got 4321");
    }

    @Test
    void aMissingRoomDayOrWeekIsADifference() throws Exception {
        String empty = "{\"rule\":{\"dailySeconds\":3600},\"rooms\":[{\"room\":\"r1\",\"tier\":\"合格\",\"days\":[],\"weeks\":[]}]}";
        assertThat(ExpectedResult.differences(EXPECTED, empty, Map.of()))
                .containsExactly("r1 2025-03-06 is missing", "r1 2025-W10 is missing");
        assertThat(ExpectedResult.differences(EXPECTED, "{\"rule\":{\"dailySeconds\":3600},\"rooms\":[]}", Map.of()))
                .containsExactly("room r1 is missing");
    }
}

package cn.xinan.rules;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Compliance rates (docs/rules.md §5): met over required, NO_DATA not met, NOT_REQUIRED left out. */
class ComplianceRateTest {
    private static final LocalDate MONDAY = LocalDate.of(2025, 3, 3);

    private static DayResult day(int offset, Verdict verdict) {
        boolean school = verdict != Verdict.NOT_REQUIRED;
        return new DayResult(MONDAY.plusDays(offset), school, 0, 0, 0, verdict);
    }

    private static WeekResult week(Verdict verdict) {
        return new WeekResult("2025-W10", 5, 36_000, 0, verdict);
    }

    private static RoomReport room(List<DayResult> days, List<WeekResult> weeks) {
        return new RoomReport("r1", Tier.QUALIFIED, days, weeks, 0, RuleSettings.defaults());
    }

    @Test
    void noDataCountsAsNotMetAndNotRequiredIsLeftOut() {
        RoomReport report = room(
                List.of(day(0, Verdict.MET), day(1, Verdict.NOT_MET), day(2, Verdict.NO_DATA), day(3, Verdict.MET),
                        day(5, Verdict.NOT_REQUIRED)),
                List.of(week(Verdict.MET), week(Verdict.NO_DATA), week(Verdict.NOT_REQUIRED)));

        ComplianceRate rate = report.compliance();

        assertThat(rate).isEqualTo(new ComplianceRate(2, 4, 1, 2));
        assertThat(rate.dayRate()).hasValue(0.5);
        assertThat(rate.weekRate()).hasValue(0.5);
    }

    @Test
    void aggregatesOverRoomsByUnits() {
        RoomReport a = room(List.of(day(0, Verdict.MET)), List.of(week(Verdict.MET)));
        RoomReport b = room(List.of(day(0, Verdict.NOT_MET), day(1, Verdict.NOT_MET), day(2, Verdict.MET)),
                List.of(week(Verdict.NOT_MET)));

        ComplianceRate all = ComplianceRate.over(List.of(a, b));

        assertThat(all).isEqualTo(new ComplianceRate(2, 4, 1, 2));
        assertThat(all.dayRate()).hasValue(0.5);
    }

    @Test
    void aPeriodWithoutRequiredUnitsHasNoRate() {
        RoomReport holiday = room(List.of(day(5, Verdict.NOT_REQUIRED)), List.of(week(Verdict.NOT_REQUIRED)));

        assertThat(holiday.compliance().dayRate()).isEmpty();
        assertThat(holiday.compliance().weekRate()).isEmpty();
        assertThat(ComplianceRate.over(List.of())).isEqualTo(ComplianceRate.NONE);
    }

    @Test
    void moreMetThanRequiredIsRejected() {
        assertThatThrownBy(() -> new ComplianceRate(3, 2, 0, 0))
                .hasMessage("metDays must be between 0 and requiredDays (2), was 3");
    }
}

package cn.xinan.rules;

import cn.xinan.event.DeviceEvent;
import cn.xinan.rules.calendar.CalendarLayer;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.rules.calendar.Term;
import cn.xinan.rules.testkit.RoomLog;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The engine against docs/rules.md, one rule at a time. */
class RulesEngineTest {
    static final LocalDate MONDAY = LocalDate.of(2025, 3, 3); // 2025-W10, inside the spring term
    static final LocalDate TUESDAY = MONDAY.plusDays(1);
    static final LocalDate SATURDAY = MONDAY.plusDays(5);
    static final LocalDate SUNDAY = MONDAY.plusDays(6);
    static final SchoolCalendar SPRING_TERM_2025 = SchoolCalendar.of(NationalCalendar.bundled(),
            CalendarLayer.ofTerms(List.of(new Term(LocalDate.of(2025, 2, 17), LocalDate.of(2025, 7, 4)))));

    static final RulesEngine ENGINE = new RulesEngine(RuleSettings.defaults());

    static RoomReport evaluate(List<DeviceEvent> events, LocalDate from, LocalDate to) {
        return ENGINE.evaluate("r1", Tier.QUALIFIED, events, SPRING_TERM_2025, from, to);
    }

    static DayResult day(List<DeviceEvent> events, LocalDate date) {
        return evaluate(events, date, date).days().getFirst();
    }

    @Test
    void workedExampleOfRulesSection8GivesOpen9600Attended6600Met() {
        List<DeviceEvent> events = RoomLog.on(MONDAY)
                .boot("07:50").heartbeats("07:50", "23:59")
                .open("08:00").occupied("08:00").vacant("08:20").occupied("09:10").vacant("10:00").close("10:00")
                .open("15:00").occupied("15:00").vacant("15:05").checkin("15:20").close("15:40")
                .events();

        DayResult monday = day(events, MONDAY);

        assertThat(monday).isEqualTo(new DayResult(MONDAY, true, 9_600, 6_600, 1, Verdict.MET));
        assertThat(monday.unattendedSeconds()).isEqualTo(3_000);
    }

    @Nested
    class UnattendedStretches {
        @Test
        void aVacancyOfExactly1800SecondsIsUnattended() {
            List<DeviceEvent> events = RoomLog.on(MONDAY).open("08:00").checkin("08:30:00").close("08:40").events();

            DayResult monday = day(events, MONDAY);

            assertThat(monday.openSeconds()).isEqualTo(2_400);
            assertThat(monday.attendedSeconds()).isEqualTo(600);
        }

        @Test
        void aVacancyOf1799SecondsIsStillAttended() {
            List<DeviceEvent> events = RoomLog.on(MONDAY).open("08:00").checkin("08:29:59").close("08:40").events();

            assertThat(day(events, MONDAY).attendedSeconds()).isEqualTo(2_400);
        }

        @Test
        void theGapIsConfigurable() {
            List<DeviceEvent> events = RoomLog.on(MONDAY).open("08:00").checkin("08:10").close("08:20").events();
            RulesEngine strict = new RulesEngine(RuleSettings.defaults().withUnattendedGapSeconds(600));

            RoomReport report = strict.evaluate("r1", Tier.QUALIFIED, events, SPRING_TERM_2025, MONDAY, MONDAY);

            assertThat(report.days().getFirst().attendedSeconds()).isZero();
        }

        @Test
        void isFoundOnTheWholeIntervalBeforeTheSplitIntoDays() {
            // Vacant 23:45 → 00:15: 900 s on each side of midnight, 1800 s in all, so unattended on both days.
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .occupied("23:00").open("23:30").vacant("23:45")
                    .day(TUESDAY).occupied("00:15").close("00:30")
                    .events();

            RoomReport report = evaluate(events, MONDAY, TUESDAY);

            assertThat(report.days()).extracting(DayResult::openSeconds).containsExactly(1_800L, 1_800L);
            assertThat(report.days()).extracting(DayResult::attendedSeconds).containsExactly(900L, 900L);
        }

        @Test
        void anOpenWhileOpenAndACloseWhileClosedAreEvidenceButChangeNoInterval() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .open("08:00").open("08:25").open("08:50").close("09:15")
                    .close("09:30")
                    .events();

            DayResult monday = day(events, MONDAY);

            assertThat(monday.openSeconds()).isEqualTo(4_500);
            assertThat(monday.attendedSeconds()).isEqualTo(4_500);
        }

        @Test
        void repeatedVacantReportsAreNotEvidence() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .open("08:00").vacant("08:10").vacant("08:25").close("08:45")
                    .events();

            DayResult monday = day(events, MONDAY);

            assertThat(monday.openSeconds()).isEqualTo(2_700);
            assertThat(monday.attendedSeconds()).isZero();
        }

        @Test
        void anOccupiedPeriodIsEvidenceThroughout() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .open("08:00").occupied("08:00").occupied("08:40").close("10:00")
                    .events();

            assertThat(day(events, MONDAY).attendedSeconds()).isEqualTo(7_200);
        }

        @Test
        void atOpenPresenceIsWhatTheSensorLastReported() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .occupied("07:00").open("08:00").close("09:00")
                    .events();

            assertThat(day(events, MONDAY).attendedSeconds()).isEqualTo(3_600);
        }

        @Test
        void afterABootPresenceIsVacant() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .occupied("07:00").boot("07:30").open("08:00").close("09:00")
                    .events();

            DayResult monday = day(events, MONDAY);

            assertThat(monday.openSeconds()).isEqualTo(3_600);
            assertThat(monday.attendedSeconds()).isZero();
        }

        @Test
        void aRoomForgottenOpenOvernightEarnsNothingWhileEmpty() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .boot("07:00").heartbeats("07:00", "23:59")
                    .open("16:00").occupied("16:00").vacant("17:00")
                    .day(TUESDAY).heartbeats("00:00", "09:00").close("08:00")
                    .events();

            RoomReport report = evaluate(events, MONDAY, TUESDAY);

            assertThat(report.days()).extracting(DayResult::openSeconds).containsExactly(28_800L, 28_800L);
            assertThat(report.days()).extracting(DayResult::attendedSeconds).containsExactly(3_600L, 0L);
        }
    }

    @Nested
    class LossOfPower {
        @Test
        void aBootEndsTheOpenIntervalAtTheLastSignOfLifeBeforeIt() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .boot("07:50").heartbeats("07:50", "09:00")
                    .open("08:00").occupied("08:00")
                    .boot("10:00").heartbeats("10:00", "11:00")
                    .close("10:30")
                    .events();

            DayResult monday = day(events, MONDAY);

            assertThat(monday.openSeconds()).isEqualTo(3_600);
            assertThat(monday.attendedSeconds()).isEqualTo(3_600);
        }

        @Test
        void theRoomStaysClosedAfterABootUntilStaffOpenIt() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .boot("07:50").open("08:00").occupied("08:00").heartbeat("08:30")
                    .boot("09:00").occupied("09:05").heartbeats("09:00", "10:00")
                    .open("10:00").close("10:20")
                    .events();

            assertThat(day(events, MONDAY).openSeconds()).isEqualTo(1_800 + 1_200);
        }

        @Test
        void anIntervalNeverExtendsPastTheLastEvent() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .boot("07:50").open("08:00").occupied("08:00").heartbeats("08:00", "08:30")
                    .events();

            DayResult monday = day(events, MONDAY);

            assertThat(monday.openSeconds()).isEqualTo(1_800);
            assertThat(monday.attendedSeconds()).isEqualTo(1_800);
        }

        @Test
        void aReplacedDeviceContinuesTheSameRoom() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .device("dev-old").boot("07:00").open("08:00").occupied("08:00").heartbeats("08:00", "09:00")
                    .device("dev-new").boot("14:00").open("14:00").occupied("14:10").close("15:00")
                    .events();

            DayResult monday = day(events, MONDAY);

            assertThat(monday.openSeconds()).isEqualTo(7_200);
            assertThat(monday.attendedSeconds()).isEqualTo(7_200);
        }
    }

    @Nested
    class DataIntegrity {
        @Test
        void eventsRecordedWithAnUnsynchronisedClockAreLeftOutAndCounted() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .open("08:00").occupied("08:00")
                    .unsynced().close("08:10").unsynced().heartbeat("08:20")
                    .close("09:00")
                    .events();

            RoomReport report = evaluate(events, MONDAY, MONDAY);

            assertThat(report.days().getFirst().openSeconds()).isEqualTo(3_600);
            assertThat(report.excludedUnsyncedEvents()).isEqualTo(2);
        }

        @Test
        void anyOrderWithDuplicatesGivesTheSameReportAsSortedDistinctEvents() {
            List<DeviceEvent> sorted = RoomLog.on(MONDAY)
                    .boot("07:50").heartbeats("07:50", "12:00")
                    .open("08:00").occupied("08:00").vacant("08:20").checkin("09:00").close("10:00")
                    .unsynced().checkin("10:05")
                    .events();
            List<DeviceEvent> shuffled = new ArrayList<>(sorted);
            shuffled.addAll(sorted.subList(0, 40));
            shuffled.add(sorted.getLast());
            Collections.shuffle(shuffled, new Random(7));

            assertThat(evaluate(shuffled, MONDAY, SUNDAY)).isEqualTo(evaluate(sorted, MONDAY, SUNDAY));
            assertThat(evaluate(shuffled, MONDAY, SUNDAY).excludedUnsyncedEvents()).isEqualTo(1);
        }
    }

    @Nested
    class DailyVerdicts {
        @Test
        void exactly3600AttendedSecondsMeetTheDay() {
            List<DeviceEvent> events = RoomLog.on(MONDAY).open("08:00").occupied("08:00").close("09:00:00").events();

            assertThat(day(events, MONDAY).verdict()).isEqualTo(Verdict.MET);
        }

        @Test
        void attended3599SecondsDoNotMeetTheDay() {
            List<DeviceEvent> events = RoomLog.on(MONDAY).open("08:00").occupied("08:00").close("08:59:59").events();

            DayResult monday = day(events, MONDAY);

            assertThat(monday.attendedSeconds()).isEqualTo(3_599);
            assertThat(monday.verdict()).isEqualTo(Verdict.NOT_MET);
        }

        @Test
        void aSchoolDayWithoutAnySignOfLifeHasNoData() {
            List<DeviceEvent> events = RoomLog.on(MONDAY).open("08:00").close("09:00")
                    .day(LocalDate.of(2025, 3, 5)).heartbeat("12:00")
                    .events();

            RoomReport report = evaluate(events, MONDAY, LocalDate.of(2025, 3, 5));

            assertThat(report.days()).extracting(DayResult::verdict)
                    .containsExactly(Verdict.NOT_MET, Verdict.NO_DATA, Verdict.NOT_MET);
        }

        @Test
        void aDayWithOnlyHeartbeatsIsNotMetRatherThanNoData() {
            List<DeviceEvent> events = RoomLog.on(MONDAY).heartbeat("23:59:59").events();

            assertThat(day(events, MONDAY).verdict()).isEqualTo(Verdict.NOT_MET);
        }

        @Test
        void aNonSchoolDayIsNotRequiredButItsTimeIsReported() {
            List<DeviceEvent> events = RoomLog.on(SATURDAY).open("09:00").occupied("09:00").close("11:00").events();

            assertThat(day(events, SATURDAY))
                    .isEqualTo(new DayResult(SATURDAY, false, 7_200, 7_200, 0, Verdict.NOT_REQUIRED));
        }

        @Test
        void checkinsAreCountedByLocalDateWhetherOpenOrNot() {
            List<DeviceEvent> events = RoomLog.on(MONDAY)
                    .checkin("07:00").open("08:00").checkin("08:30").close("09:00").checkin("23:59:59")
                    .day(TUESDAY).checkin("00:00")
                    .events();

            assertThat(evaluate(events, MONDAY, TUESDAY).days()).extracting(DayResult::checkins)
                    .containsExactly(3, 1);
        }

        @Test
        void tiersCanHaveTheirOwnThresholds() {
            RulesEngine engine = new RulesEngine(RuleSettings.defaults()
                    .withThresholds(Tier.DEMONSTRATION, new Thresholds(7_200, 72_000)));
            List<DeviceEvent> events = RoomLog.on(MONDAY).open("08:00").occupied("08:00").close("09:30").events();

            RoomReport qualified = engine.evaluate("r1", Tier.QUALIFIED, events, SPRING_TERM_2025, MONDAY, MONDAY);
            RoomReport demonstration = engine.evaluate("r2", Tier.DEMONSTRATION, events, SPRING_TERM_2025, MONDAY,
                    MONDAY);

            assertThat(qualified.days().getFirst().verdict()).isEqualTo(Verdict.MET);
            assertThat(demonstration.days().getFirst().verdict()).isEqualTo(Verdict.NOT_MET);
            assertThat(demonstration.weeks().getFirst().requiredSeconds()).isEqualTo(72_000);
            assertThat(demonstration.thresholds()).isEqualTo(new Thresholds(7_200, 72_000));
        }
    }

    @Nested
    class WeeklyVerdicts {
        /** 2025-W18: Apr 28–30 are school days, May 1–2 are holidays. */
        static final LocalDate MAY_DAY_MONDAY = LocalDate.of(2025, 4, 28);

        static List<DeviceEvent> twoHoursEachDay(LocalDate monday, int days) {
            RoomLog log = RoomLog.on(monday);
            for (int i = 0; i < days; i++) {
                log.day(monday.plusDays(i)).open("08:00").occupied("08:00").close("10:00");
            }
            return log.events();
        }

        static WeekResult week(RulePolicyCase c) {
            RulesEngine engine = new RulesEngine(RuleSettings.defaults().withWeekPolicy(c.policy()));
            return engine.evaluate("r1", Tier.QUALIFIED, c.events(), SPRING_TERM_2025, c.monday(), c.monday())
                    .weeks().getFirst();
        }

        record RulePolicyCase(WeekPolicy policy, LocalDate monday, List<DeviceEvent> events) {
        }

        @Test
        void prorateRequiresAFifthOfTheWeekPerSchoolDay() {
            WeekResult week = week(new RulePolicyCase(WeekPolicy.PRORATE, MAY_DAY_MONDAY,
                    twoHoursEachDay(MAY_DAY_MONDAY, 7)));

            assertThat(week).isEqualTo(new WeekResult("2025-W18", 3, 21_600, 50_400, Verdict.MET));
        }

        @Test
        void prorateNeverRequiresMoreThanTheWeeklyThreshold() {
            LocalDate monday = LocalDate.of(2025, 4, 21); // W17: five weekdays and the make-up Sunday Apr 27
            WeekResult week = week(new RulePolicyCase(WeekPolicy.PRORATE, monday, twoHoursEachDay(monday, 5)));

            assertThat(week).isEqualTo(new WeekResult("2025-W17", 6, 36_000, 36_000, Verdict.MET));
        }

        @Test
        void prorateRoundsTheRequirementUp() {
            RulesEngine engine = new RulesEngine(RuleSettings.defaults()
                    .withThresholdsForAllTiers(new Thresholds(3_600, 36_001)));

            WeekResult week = engine.evaluate("r1", Tier.UNRATED, List.of(), SPRING_TERM_2025,
                    MAY_DAY_MONDAY, MAY_DAY_MONDAY).weeks().getFirst();

            assertThat(week.requiredSeconds()).isEqualTo(21_601); // 36,001 × 3 / 5 = 21,600.6
        }

        @Test
        void fullRequiresTheWholeWeekWheneverThereIsASchoolDay() {
            WeekResult week = week(new RulePolicyCase(WeekPolicy.FULL, MAY_DAY_MONDAY,
                    twoHoursEachDay(MAY_DAY_MONDAY, 7)));

            assertThat(week).isEqualTo(new WeekResult("2025-W18", 3, 36_000, 50_400, Verdict.MET));
        }

        @Test
        void skipDoesNotAssessAWeekOfFewerThanFiveSchoolDays() {
            WeekResult shortWeek = week(new RulePolicyCase(WeekPolicy.SKIP, MAY_DAY_MONDAY,
                    twoHoursEachDay(MAY_DAY_MONDAY, 7)));
            WeekResult fullWeek = week(new RulePolicyCase(WeekPolicy.SKIP, MONDAY, twoHoursEachDay(MONDAY, 3)));

            assertThat(shortWeek).isEqualTo(new WeekResult("2025-W18", 3, 0, 50_400, Verdict.NOT_REQUIRED));
            assertThat(fullWeek).isEqualTo(new WeekResult("2025-W10", 5, 36_000, 21_600, Verdict.NOT_MET));
        }

        @Test
        void aWeekWithoutSchoolDaysIsNotRequired() {
            LocalDate summerMonday = LocalDate.of(2025, 7, 14); // after the term
            for (WeekPolicy policy : WeekPolicy.values()) {
                WeekResult week = week(new RulePolicyCase(policy, summerMonday, twoHoursEachDay(summerMonday, 7)));

                assertThat(week).as(policy.wireName())
                        .isEqualTo(new WeekResult("2025-W29", 0, 0, 50_400, Verdict.NOT_REQUIRED));
            }
        }

        @Test
        void aWeekWithoutAnySignOfLifeHasNoData() {
            List<DeviceEvent> events = RoomLog.on(MONDAY.plusDays(7)).heartbeat("08:00").events();

            RoomReport report = evaluate(events, MONDAY, MONDAY.plusDays(7));

            assertThat(report.weeks()).extracting(WeekResult::verdict).containsExactly(Verdict.NO_DATA,
                    Verdict.NOT_MET);
            assertThat(report.weeks().getFirst().requiredSeconds()).isEqualTo(36_000);
        }

        @Test
        void aSignOfLifeOnASundayIsDataForTheWeek() {
            List<DeviceEvent> events = RoomLog.on(SUNDAY).heartbeat("08:00").events();

            assertThat(evaluate(events, MONDAY, SUNDAY).weeks().getFirst().verdict()).isEqualTo(Verdict.NOT_MET);
        }

        @Test
        void weeksCoverEveryDayOfEveryTouchedWeekWithAllGivenEvents() {
            // Period Wednesday W10 .. Tuesday W11: Monday W10 lies outside it but counts toward W10.
            List<DeviceEvent> events = twoHoursEachDay(MONDAY, 14);

            RoomReport report = evaluate(events, MONDAY.plusDays(2), MONDAY.plusDays(8));

            assertThat(report.days()).hasSize(7);
            assertThat(report.days().getFirst().date()).isEqualTo(MONDAY.plusDays(2));
            assertThat(report.weeks()).extracting(WeekResult::week).containsExactly("2025-W10", "2025-W11");
            assertThat(report.weeks()).extracting(WeekResult::attendedSeconds).containsExactly(50_400L, 50_400L);
        }

        @Test
        void weekNamesFollowTheIsoWeekYear() {
            RoomReport report = evaluate(List.of(), LocalDate.of(2024, 12, 30), LocalDate.of(2026, 1, 1));

            assertThat(report.weeks().getFirst().week()).isEqualTo("2025-W01");
            assertThat(report.weeks().getLast().week()).isEqualTo("2026-W01");
        }
    }

    @Test
    void aPeriodThatEndsBeforeItStartsIsRejected() {
        assertThatThrownBy(() -> evaluate(List.of(), TUESDAY, MONDAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2025-03-04").hasMessageContaining("2025-03-03");
    }
}

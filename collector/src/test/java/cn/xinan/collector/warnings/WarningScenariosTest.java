package cn.xinan.collector.warnings;

import cn.xinan.collector.store.sqlite.SqliteSharedState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warnings on a simulated clock, with the real rules engine: one week-risk warning with its arithmetic for a
 * room that falls behind, none repeated for one that recovers, no false warning around holidays, make-up days and
 * closures, a silent device reported once and cleared.
 */
class WarningScenariosTest {
    private static final LocalDate MONDAY = LocalDate.of(2025, 3, 10); // ISO week 2025-W11
    private static final Duration STEP = Duration.ofMinutes(15);

    private static WarningFixture withThreeUsualWeeks(int minutesADay) {
        WarningFixture f = new WarningFixture(MONDAY.atTime(7, 0));
        f.schoolDays(MONDAY.minusWeeks(3), MONDAY.minusDays(1), minutesADay);
        return f;
    }

    @Test
    void aRoomThatFallsBehindOnWednesdayGetsExactlyOneWeekRiskWarningWithTheArithmetic() {
        WarningFixture f = withThreeUsualWeeks(180);
        f.day(MONDAY, 60).day(MONDAY.plusDays(1), 60).day(MONDAY.plusDays(2), 0)
                .day(MONDAY.plusDays(3), 60).day(MONDAY.plusDays(4), 60);
        WarningService service = f.service(WarningFixture.settings(
                WarningFixture.target("school-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null)),
                WarningBook.inMemory(), f.recordingSender());

        f.run(service, MONDAY.plusDays(2).atTime(7, 45), STEP);
        assertThat(f.sentOfKind(WarningKind.WEEK_AT_RISK)).as("nothing before Wednesday").isEmpty();

        f.run(service, MONDAY.plusDays(4).atTime(20, 0), STEP);
        List<WarningFixture.Sent> risk = f.sentOfKind(WarningKind.WEEK_AT_RISK);
        assertThat(risk).hasSize(1);
        assertThat(risk.get(0).message().fields()).containsEntry("raisedAt", MONDAY.plusDays(2).atTime(8, 0)
                .atZone(WarningFixture.ZONE).toInstant().toString());
        // this week 1 + 1 h; usual = (1 + 1 + 8 × 3) / 10 = 2.6 h; today 2.6 + Thursday and Friday 2 × 2.6 = 7.8 < 8
        assertThat(risk.get(0).message().text()).isEqualTo("东宝实验小学心理辅导室：本周（2025-W11）已累计 2.0 小时，"
                + "本周要求 10.0 小时，还差 8.0 小时；剩余 3 个学校日（含今天），按近 10 个学校日平均每天 2.6 小时计算，"
                + "最多还能累计 7.8 小时（今天 2.6 + 2 × 2.6），本周将无法达标。请延长剩余学校日的开放时间。");
        assertThat(risk.get(0).message().link()).endsWith("#room=" + WarningFixture.ROOM);
        assertThat(f.sentOfKind(WarningKind.DAY_BEHIND)).as("Wednesday's hour never happened").hasSize(1);
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.WEEK_AT_RISK).singleElement()
                .satisfies(w -> {
                    assertThat(w.state()).isEqualTo(Warning.State.OPEN);
                    assertThat(w.deliveries()).singleElement()
                            .satisfies(d -> assertThat(d.state()).isEqualTo(Delivery.State.DELIVERED));
                });

        f.run(service, MONDAY.plusDays(7).atTime(7, 0), STEP);
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.WEEK_AT_RISK).singleElement()
                .satisfies(w -> assertThat(w.clearReason()).isEqualTo("period_over"));
    }

    @Test
    void aRoomThatRecoversIsWarnedOnceAndNotAgain() {
        WarningFixture f = withThreeUsualWeeks(180);
        f.day(MONDAY, 60).day(MONDAY.plusDays(1), 60).day(MONDAY.plusDays(2), 480)
                .day(MONDAY.plusDays(3), 60).day(MONDAY.plusDays(4), 60);
        WarningService service = f.service(WarningFixture.settings(
                WarningFixture.target("school-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null)),
                WarningBook.inMemory(), f.recordingSender());

        f.run(service, MONDAY.plusDays(4).atTime(20, 0), STEP);

        assertThat(f.sentOfKind(WarningKind.WEEK_AT_RISK)).hasSize(1);
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.WEEK_AT_RISK).singleElement()
                .satisfies(w -> {
                    assertThat(w.state()).isEqualTo(Warning.State.CLEARED);
                    assertThat(w.clearReason()).isEqualTo("resolved");
                    // 1 + 1 + 3 h by 11:00 on Wednesday, Thursday and Friday at 2.6 h reach 10.2 h
                    assertThat(w.clearedAt()).isEqualTo(MONDAY.plusDays(2).atTime(11, 0)
                            .atZone(WarningFixture.ZONE).toInstant());
                });
        assertThat(f.sent).hasSize(1);
    }

    @Test
    void aHolidayWeekRaisesNothing() {
        WarningFixture f = withThreeUsualWeeks(150);
        for (int i = 0; i < 5; i++) {
            f.holidays.add(MONDAY.plusDays(i));
            f.day(MONDAY.plusDays(i), 0);
        }
        WarningService service = f.service(WarningFixture.settings(), WarningBook.inMemory(), f.recordingSender());

        f.run(service, MONDAY.plusDays(6).atTime(20, 0), STEP);

        assertThat(service.warnings()).isEmpty();
    }

    @Test
    void aMakeUpSaturdayAndAClosureDayRaiseNothingForARoomOnItsUsualHours() {
        WarningFixture f = withThreeUsualWeeks(150);
        LocalDate closure = MONDAY.plusDays(2);
        LocalDate makeUpSaturday = MONDAY.plusDays(5);
        f.holidays.add(closure);
        f.makeUpDays.add(makeUpSaturday);
        f.schoolDays(MONDAY, MONDAY.plusDays(6), 150); // no event at all on the closure day: the device is unplugged
        WarningService service = f.service(WarningFixture.settings(), WarningBook.inMemory(), f.recordingSender());

        f.run(service, MONDAY.plusDays(6).atTime(20, 0), STEP);

        assertThat(WarningFixture.ids(service.warnings())).isEmpty();
    }

    @Test
    void theSaturdayOfAMakeUpWeekIsCheckedLikeAnyOtherSchoolDay() {
        WarningFixture f = withThreeUsualWeeks(150);
        LocalDate makeUpSaturday = MONDAY.plusDays(5);
        f.makeUpDays.add(makeUpSaturday);
        f.schoolDays(MONDAY, MONDAY.plusDays(4), 150);
        f.day(makeUpSaturday, 0);
        WarningService service = f.service(WarningFixture.settings(), WarningBook.inMemory(), f.recordingSender());

        f.run(service, makeUpSaturday.atTime(20, 0), STEP);

        assertThat(service.warnings()).extracting(Warning::kind, Warning::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(WarningKind.DAY_BEHIND, makeUpSaturday));
    }

    @Test
    void aDeviceUnpluggedDuringOpeningHoursIsReportedOnceAndClearedWhenItReturns() {
        WarningFixture f = withThreeUsualWeeks(150);
        LocalDate wednesday = MONDAY.plusDays(2);
        f.schoolDays(MONDAY, MONDAY.plusDays(1), 150);
        f.dayWithSilence(wednesday, 120, LocalTime.of(10, 0), LocalTime.of(11, 0));
        f.clock.set(wednesday.atTime(7, 0).atZone(WarningFixture.ZONE).toInstant());
        WarningService service = f.service(WarningFixture.settings(
                WarningFixture.target("school-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null)),
                WarningBook.inMemory(), f.recordingSender());

        f.run(service, wednesday.atTime(12, 0), Duration.ofMinutes(5));

        List<WarningFixture.Sent> silent = f.sentOfKind(WarningKind.DEVICE_SILENT);
        assertThat(silent).hasSize(1);
        assertThat(silent.get(0).message().text()).contains("自 10:00 起无信号（已 15 分钟）");
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.DEVICE_SILENT).singleElement()
                .satisfies(w -> {
                    assertThat(w.state()).isEqualTo(Warning.State.CLEARED);
                    assertThat(w.clearReason()).isEqualTo("resolved");
                    assertThat(w.raisedAt()).isEqualTo(wednesday.atTime(10, 15).atZone(WarningFixture.ZONE).toInstant());
                    assertThat(w.clearedAt()).isEqualTo(wednesday.atTime(11, 0).atZone(WarningFixture.ZONE).toInstant());
                });
    }

    @Test
    void aConditionThatClearsAndComesBackTheSameDayIsSentAgainAsASecondOccurrence() {
        WarningFixture f = withThreeUsualWeeks(150);
        LocalDate wednesday = MONDAY.plusDays(2);
        f.schoolDays(MONDAY, MONDAY.plusDays(1), 150);
        f.dayWithSilence(wednesday, 120, LocalTime.of(10, 0), LocalTime.of(11, 0));
        f.events.removeIf(e -> e.at().isAfter(wednesday.atTime(13, 59).atZone(WarningFixture.ZONE).toInstant())
                && e.at().isBefore(wednesday.atTime(15, 0).atZone(WarningFixture.ZONE).toInstant()));
        f.clock.set(wednesday.atTime(7, 0).atZone(WarningFixture.ZONE).toInstant());
        WarningService service = f.service(WarningFixture.settings(
                WarningFixture.target("school-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null)),
                WarningBook.inMemory(), f.recordingSender());

        f.run(service, wednesday.atTime(16, 0), Duration.ofMinutes(5));

        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.DEVICE_SILENT)
                .extracting(Warning::id).containsExactly(
                        WarningFixture.ROOM + "/device_silent/" + wednesday + "#1",
                        WarningFixture.ROOM + "/device_silent/" + wednesday + "#2");
        assertThat(f.sentOfKind(WarningKind.DEVICE_SILENT)).hasSize(2);
    }

    @Test
    void aRestartedCollectorRemembersWhatItSentAndDoesNotRepeatIt(@TempDir Path dir) {
        WarningFixture f = withThreeUsualWeeks(180);
        f.day(MONDAY, 60).day(MONDAY.plusDays(1), 60).day(MONDAY.plusDays(2), 0);
        WarningSettings settings = WarningFixture.settings(
                WarningFixture.target("school-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null));
        Path state = dir.resolve("events.db");
        try (SqliteSharedState store = SqliteSharedState.open(state)) {
            f.run(f.service(settings, WarningBook.in(store), f.recordingSender()), MONDAY.plusDays(2).atTime(9, 0), STEP);
        }
        assertThat(f.sentOfKind(WarningKind.WEEK_AT_RISK)).hasSize(1);

        SqliteSharedState reopened = SqliteSharedState.open(state);
        WarningService restarted = f.service(settings, WarningBook.in(reopened), f.recordingSender());
        f.run(restarted, MONDAY.plusDays(2).atTime(12, 0), STEP);
        reopened.close();

        assertThat(f.sentOfKind(WarningKind.WEEK_AT_RISK)).hasSize(1);
        assertThat(restarted.warnings()).filteredOn(w -> w.kind() == WarningKind.WEEK_AT_RISK).hasSize(1);
    }

    @Test
    void aVerdictChangedByLateEventsAfterTheWeekWasReportedIsWarnedOnce() {
        WarningFixture f = withThreeUsualWeeks(150);
        // last Thursday's and Friday's openings arrive late: the week was first reported with 5 of 10 hours
        for (LocalDate late : List.of(MONDAY.minusDays(4), MONDAY.minusDays(3))) {
            f.events.removeIf(e -> e.at().isAfter(late.atTime(7, 59).atZone(WarningFixture.ZONE).toInstant())
                    && e.at().isBefore(late.atTime(10, 31).atZone(WarningFixture.ZONE).toInstant())
                    && !(e.body() instanceof cn.xinan.event.EventBody.Heartbeat));
        }
        f.day(MONDAY, 150);
        WarningService service = f.service(WarningFixture.settings(
                WarningFixture.target("school-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null)),
                WarningBook.inMemory(), f.recordingSender());
        f.run(service, MONDAY.atTime(9, 0), STEP);
        assertThat(f.sentOfKind(WarningKind.VERDICT_CHANGED)).isEmpty();

        WarningFixture late = withThreeUsualWeeks(150); // the same history, complete
        f.events.clear();
        f.events.addAll(late.events);
        f.day(MONDAY, 150);
        f.run(service, MONDAY.atTime(10, 0), STEP);

        List<WarningFixture.Sent> changed = f.sentOfKind(WarningKind.VERDICT_CHANGED);
        assertThat(changed).hasSize(1);
        assertThat(changed.get(0).message().text()).contains("2025-W10 周的判定因迟到的数据由「未达标」变为「达标」");
    }
}

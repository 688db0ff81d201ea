package cn.xinan.collector.warnings;

import cn.xinan.wire.DeviceHealth;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The device health warnings on a simulated clock (docs/warnings.md, "Device health"): a stuck presence sensor, a
 * clock that is not synchronised and a growing outbox backlog are each raised once while they hold within the posted
 * opening hours, cleared when they stop, and never raised outside school hours or from a stale report.
 */
class DeviceHealthWarningsTest {
    private static final LocalDate MONDAY = LocalDate.of(2025, 3, 10);
    private static final LocalDate WEDNESDAY = MONDAY.plusDays(2);
    private static final Duration STEP = Duration.ofMinutes(15);
    private static final DeviceHealth HEALTHY = new DeviceHealth(0, false, true, 0, 0, 0);

    /** A room on its usual 2.5 h a day (no other warning), the service starting Wednesday 07:00. */
    private static WarningFixture room() {
        WarningFixture f = new WarningFixture(WEDNESDAY.atTime(7, 0));
        f.schoolDays(MONDAY.minusWeeks(3), MONDAY.plusDays(4), 150);
        return f;
    }

    private static WarningService service(WarningFixture f) {
        return f.service(WarningFixture.settings(
                WarningFixture.target("it-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null)),
                WarningBook.inMemory(), f.recordingSender());
    }

    private static Instant at(LocalDate date, int hour, int minute) {
        return date.atTime(hour, minute).atZone(WarningFixture.ZONE).toInstant();
    }

    /** One online device reporting {@code health(now)} just now, with the depths of its earlier reports. */
    private static Function<Instant, List<DeviceReport>> device(Function<Instant, DeviceHealth> health) {
        return now -> {
            List<Long> depths = new ArrayList<>();
            for (int i = 15; i >= 0; i--) {
                depths.add(health.apply(now.minus(STEP.multipliedBy(i))).outboxDepth());
            }
            return List.of(new DeviceReport("dev-a", true, health.apply(now), now, depths));
        };
    }

    private static long seconds(Instant from, Instant to) {
        return Math.max(0, Duration.between(from, to).toSeconds());
    }

    @Test
    void aPresenceSensorUnchangedThroughFourOpenHoursIsWarnedOnceAndClearedWhenItSeesSomeone() {
        WarningFixture f = room();
        Instant opened = at(WEDNESDAY, 8, 0);
        Instant someoneSeen = at(WEDNESDAY, 13, 0);
        f.deviceHealth = device(now -> now.isBefore(someoneSeen)
                ? new DeviceHealth(seconds(opened, now), false, true, 0, 0, 0) : HEALTHY);
        WarningService service = service(f);

        f.run(service, WEDNESDAY.atTime(20, 0), STEP);

        List<WarningFixture.Sent> sent = f.sentOfKind(WarningKind.SENSOR_STUCK);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).message().title()).isEqualTo("【心安提醒】感应器异常｜东宝实验小学心理辅导室");
        assertThat(sent.get(0).message().text()).startsWith("东宝实验小学心理辅导室：设备 dev-a 的人体感应器在辅导室开放期间已累计 4.0 小时没有任何变化。")
                .contains("请学校检查感应器的朝向与连线；仍无变化请联系区县信息技术人员。");
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.SENSOR_STUCK).singleElement()
                .satisfies(w -> {
                    assertThat(w.raisedAt()).isEqualTo(at(WEDNESDAY, 12, 0));
                    assertThat(w.clearedAt()).isEqualTo(someoneSeen);
                    assertThat(w.clearReason()).isEqualTo("resolved");
                });
        assertThat(f.sent).as("nothing else").hasSize(1);
    }

    @Test
    void aSensorThatCannotBeReadIsWarnedAsAReadError() {
        WarningFixture f = room();
        f.deviceHealth = device(now -> new DeviceHealth(0, true, true, 0, 0, 0));
        WarningService service = service(f);

        f.run(service, WEDNESDAY.atTime(9, 0), STEP);

        assertThat(f.sentOfKind(WarningKind.SENSOR_STUCK)).singleElement()
                .satisfies(s -> assertThat(s.message().text()).contains("设备 dev-a 读不到人体感应器的信号（硬件读取错误）"));
    }

    @Test
    void aClockUnsynchronisedForHalfAnHourIsWarnedOnceAndClearedWhenItSyncs() {
        WarningFixture f = room();
        Instant lost = at(WEDNESDAY, 9, 0);
        Instant back = at(WEDNESDAY, 11, 0);
        f.deviceHealth = device(now -> !now.isBefore(lost) && now.isBefore(back)
                ? new DeviceHealth(0, false, false, seconds(lost, now), 0, 0) : HEALTHY);
        WarningService service = service(f);

        f.run(service, WEDNESDAY.atTime(20, 0), STEP);

        List<WarningFixture.Sent> sent = f.sentOfKind(WarningKind.CLOCK_UNSYNCED);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).message().text()).startsWith("东宝实验小学心理辅导室：设备 dev-a 的时钟已 30 分钟未与网络时间同步。")
                .contains("校时服务器（NTP）");
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.CLOCK_UNSYNCED).singleElement()
                .satisfies(w -> {
                    assertThat(w.raisedAt()).isEqualTo(at(WEDNESDAY, 9, 30));
                    assertThat(w.clearedAt()).isEqualTo(back);
                    assertThat(w.clearReason()).isEqualTo("resolved");
                });
    }

    @Test
    void anOutboxBacklogThatKeepsGrowingIsWarnedOnceAndClearedWhenItIsAcknowledged() {
        WarningFixture f = room();
        Instant stuck = at(WEDNESDAY, 10, 0);
        Instant acknowledged = at(WEDNESDAY, 11, 30);
        f.deviceHealth = device(now -> {
            if (now.isBefore(stuck) || !now.isBefore(acknowledged)) {
                return HEALTHY;
            }
            long minutes = Duration.between(stuck, now).toMinutes();
            return new DeviceHealth(0, false, true, 0, 1 + minutes, minutes * 60); // a heartbeat a minute piles up
        });
        WarningService service = service(f);

        f.run(service, WEDNESDAY.atTime(20, 0), STEP);

        List<WarningFixture.Sent> sent = f.sentOfKind(WarningKind.OUTBOX_BACKLOG);
        assertThat(sent).hasSize(1);
        assertThat(sent.get(0).message().text()).startsWith("东宝实验小学心理辅导室：设备 dev-a 有 31 条记录未获服务器确认，"
                + "最早一条已等待 30 分钟，且最近 3 次上报持续增加（1 → 16 → 31）。记录保存在设备上不会丢失");
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.OUTBOX_BACKLOG).singleElement()
                .satisfies(w -> {
                    assertThat(w.raisedAt()).isEqualTo(at(WEDNESDAY, 10, 30));
                    assertThat(w.clearedAt()).isEqualTo(acknowledged);
                    assertThat(w.clearReason()).isEqualTo("resolved");
                });
    }

    @Test
    void anOldBacklogThatNoLongerGrowsIsNotWarned() {
        WarningFixture f = room();
        f.deviceHealth = device(now -> new DeviceHealth(0, false, true, 0, 500, 7200)); // old, but steady
        WarningService service = service(f);

        f.run(service, WEDNESDAY.atTime(17, 0), STEP);

        assertThat(f.sentOfKind(WarningKind.OUTBOX_BACKLOG)).isEmpty();
    }

    @Test
    void nothingIsWarnedOnAWeekendNorFromAStaleOrOfflineReportAndAnOpenWarningWaitsForAFreshOne() {
        WarningFixture f = room();
        LocalDate saturday = MONDAY.plusDays(5);
        DeviceHealth unsynced = new DeviceHealth(0, false, false, 7200, 0, 0);
        Instant offlineFrom = at(WEDNESDAY, 10, 0);
        Instant backOnline = at(WEDNESDAY, 14, 0);
        f.deviceHealth = now -> {
            LocalDateTime local = LocalDateTime.ofInstant(now, WarningFixture.ZONE);
            if (local.toLocalDate().equals(saturday)) {
                return List.of(new DeviceReport("dev-a", true, unsynced, now, List.of(0L)));
            }
            if (now.isBefore(offlineFrom)) {
                return List.of(new DeviceReport("dev-a", true, unsynced, now, List.of(0L)));
            }
            if (now.isBefore(backOnline)) { // went offline (its last will) with the unsynced report the latest
                return List.of(new DeviceReport("dev-a", false, unsynced, offlineFrom, List.of(0L)));
            }
            return List.of(new DeviceReport("dev-a", true, HEALTHY, offlineFrom.plus(Duration.ofHours(1)), List.of(0L)));
        };
        WarningService service = service(f);

        f.run(service, WEDNESDAY.atTime(17, 0), STEP);
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.CLOCK_UNSYNCED).singleElement()
                .satisfies(w -> assertThat(w.state()).as("offline, then a stale report: not judged, still open")
                        .isEqualTo(Warning.State.OPEN));

        f.clock.set(saturday.atTime(7, 0).atZone(WarningFixture.ZONE).toInstant());
        f.run(service, saturday.atTime(20, 0), STEP);
        assertThat(f.sentOfKind(WarningKind.CLOCK_UNSYNCED)).as("Wednesday's only").hasSize(1);
        assertThat(service.warnings()).filteredOn(w -> w.kind() == WarningKind.CLOCK_UNSYNCED).singleElement()
                .satisfies(w -> assertThat(w.clearReason()).isEqualTo("period_over"));
    }

    @Test
    void anItOperatorsRobotHearsTheDeviceKindsOnlyAndTheSchoolsRobotHearsEverything() {
        WarningFixture f = new WarningFixture(WEDNESDAY.atTime(7, 0));
        f.schoolDays(MONDAY.minusWeeks(3), MONDAY.plusDays(1), 150);
        f.day(WEDNESDAY, 0); // nobody opens the room on Wednesday: today behind at the checkpoint
        f.deviceHealth = device(now -> new DeviceHealth(0, false, false, 3600, 0, 0));
        WarningService service = f.service(WarningFixture.settings(
                        WarningFixture.target("school-robot", WebhookFormat.JSON, "http://127.0.0.1:1/", null),
                        new WebhookTarget("county-it", WarningScope.parse("county:东宝区"), WebhookFormat.JSON,
                                java.net.URI.create("http://127.0.0.1:1/"), java.util.Optional.empty(),
                                java.util.Set.of(WarningKind.DEVICE_SILENT, WarningKind.SENSOR_STUCK,
                                        WarningKind.CLOCK_UNSYNCED, WarningKind.OUTBOX_BACKLOG))),
                WarningBook.inMemory(), f.recordingSender());

        f.run(service, WEDNESDAY.atTime(17, 0), STEP);

        assertThat(f.sent).filteredOn(s -> s.target().equals("county-it"))
                .extracting(s -> s.message().fields().get("kind")).containsExactly("clock_unsynced");
        assertThat(f.sent).filteredOn(s -> s.target().equals("school-robot"))
                .extracting(s -> s.message().fields().get("kind")).containsExactlyInAnyOrder("clock_unsynced", "day_behind");
    }
}

package cn.xinan.collector.warnings;

import cn.xinan.rules.DayResult;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Thresholds;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.WeekResult;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Which warning conditions hold for a room now (docs/warnings.md). Pure: the same situation and moment always
 * give the same conditions, so scenario tests run on a simulated clock.
 *
 * <ul>
 *   <li><b>Today behind</b>: on a school day, from the checkpoint (the end of the posted opening hours less
 *   {@code warnings.day-checkpoint-lead-minutes}) to midnight, while today's attended time is under the tier's
 *   daily requirement.</li>
 *   <li><b>Week at risk</b>: on a school day, from the start of the opening hours, when the attended time so far
 *   plus what the rest of the week can add at the room's usual daily hours stays under the week's requirement.
 *   "Usual" is the mean attended time of the last {@code warnings.usual-school-days} school days before today
 *   that had data (in the report's weeks); a room with no such day is assumed to do the daily requirement.
 *   Today adds what is missing to reach the usual hours, but only before the opening hours end; each later school
 *   day of the week adds the usual hours.</li>
 *   <li><b>Device silent</b>: on a school day within the opening hours, no sign of life for
 *   {@code warnings.device-silent-minutes}.</li>
 *   <li><b>Verdict changed</b>: a finished week whose verdict differs from the one first reported.</li>
 *   <li><b>Device health</b> (from the devices' signed status, docs/mqtt-contract.md "Status schema 2"), on a school
 *   day within the opening hours, judged only on a health report of an online device at most
 *   {@code warnings.device-health-max-age-minutes} old: <b>sensor stuck</b> (the room open for
 *   {@code warnings.sensor-stuck-hours} in all without any change of the presence reading, or the sensor cannot be
 *   read), <b>clock not synchronised</b> (for {@code warnings.clock-unsynced-minutes} without a break) and <b>outbox
 *   backlog growing</b> (the clock synchronised, the oldest unacknowledged event at least
 *   {@code warnings.backlog-minutes} old, and the outbox grew at each of the last {@code warnings.backlog-reports}
 *   reports).</li>
 * </ul>
 */
public final class WarningRules {
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT);

    private final WarningSettings settings;
    private final RulesEngine engine;

    public WarningRules(WarningSettings settings, RulesEngine engine) {
        this.settings = Objects.requireNonNull(settings, "settings are missing");
        this.engine = Objects.requireNonNull(engine, "engine is missing");
    }

    /**
     * What was checked at one moment and what holds.
     *
     * @param holding the conditions that hold
     * @param checked the ids ({@link Condition#id()}) of every condition that was checked, holding or not: a
     *                warning is cleared only when its condition was checked and no longer holds (outside the hours
     *                in which a condition is checked, an open warning stays open)
     */
    public record Evaluation(List<Condition> holding, java.util.Set<String> checked) {
        public Evaluation {
            holding = List.copyOf(holding);
            checked = java.util.Set.copyOf(checked);
        }
    }

    /** The conditions that hold at {@code now}. */
    public List<Condition> evaluate(RoomSituation situation, Instant now) {
        return check(situation, now).holding();
    }

    /** The conditions checked at {@code now}, and those that hold. */
    public Evaluation check(RoomSituation situation, Instant now) {
        LocalDateTime local = LocalDateTime.ofInstant(now, RulesEngine.ZONE);
        LocalDate today = local.toLocalDate();
        Thresholds thresholds = engine.settings().thresholdsFor(situation.room().tier());
        OpeningHours hours = settings.openingHoursOf(situation.room().school());
        List<Condition> out = new ArrayList<>();
        java.util.Set<String> checked = new java.util.HashSet<>();
        String room = situation.room().roomId();
        Optional<DayResult> todayResult = day(situation, today);
        if (todayResult.isPresent() && todayResult.get().schoolDay()) {
            if (!local.toLocalTime().isBefore(checkpoint(hours))) {
                checked.add(new Condition(room, WarningKind.DAY_BEHIND, today, "").id());
            }
            if (!local.toLocalTime().isBefore(hours.start())) {
                checked.add(new Condition(room, WarningKind.WEEK_AT_RISK, WeekResult.mondayOf(today), "").id());
            }
            if (hours.contains(local.toLocalTime())) {
                checked.add(new Condition(room, WarningKind.DEVICE_SILENT, today, "").id());
            }
            dayBehind(situation, todayResult.get(), local, hours, thresholds).ifPresent(out::add);
            weekAtRisk(situation, today, local, hours, thresholds).ifPresent(out::add);
            deviceSilent(situation, now, local, hours).ifPresent(out::add);
            if (hours.contains(local.toLocalTime())) {
                deviceHealth(situation, now, today, out, checked);
            }
        }
        for (WeekResult week : finishedWeeks(situation, today)) {
            checked.add(new Condition(room, WarningKind.VERDICT_CHANGED, mondayOfWeek(week), "").id());
        }
        out.addAll(verdictsChanged(situation, today));
        return new Evaluation(out, checked);
    }

    private LocalTime checkpoint(OpeningHours hours) {
        LocalTime checkpoint = hours.end().minus(settings.dayCheckpointLead());
        return checkpoint.isAfter(hours.end()) || checkpoint.isBefore(hours.start()) ? hours.start() : checkpoint;
    }

    /** The finished weeks of the report (Monday → verdict) at {@code today}: what gets "reported". */
    public static List<WeekResult> finishedWeeks(RoomSituation situation, LocalDate today) {
        LocalDate thisMonday = WeekResult.mondayOf(today);
        return situation.report().weeks().stream()
                .filter(w -> mondayOfWeek(w).isBefore(thisMonday))
                .toList();
    }

    static LocalDate mondayOfWeek(WeekResult week) {
        return LocalDate.parse(week.week() + "-1", DateTimeFormatter.ISO_WEEK_DATE);
    }

    private Optional<Condition> dayBehind(RoomSituation s, DayResult today, LocalDateTime now, OpeningHours hours,
                                          Thresholds thresholds) {
        if (now.toLocalTime().isBefore(checkpoint(hours)) || today.attendedSeconds() >= thresholds.dailySeconds()) {
            return Optional.empty();
        }
        long missing = thresholds.dailySeconds() - today.attendedSeconds();
        String text = String.format(Locale.ROOT,
                "%s：今天（%s）截至 %s 已开放并有人值守 %s 小时，每日要求 %s 小时，还差 %s 小时。开放时间 %s 前请开放辅导室并在自助终端签到开门。",
                s.room().name(), today.date(), now.toLocalTime().format(HH_MM), hoursText(today.attendedSeconds()),
                hoursText(thresholds.dailySeconds()), hoursText(missing), hours.end().format(HH_MM));
        return Optional.of(new Condition(s.room().roomId(), WarningKind.DAY_BEHIND, today.date(), text));
    }

    private Optional<Condition> weekAtRisk(RoomSituation s, LocalDate today, LocalDateTime now, OpeningHours hours,
                                           Thresholds thresholds) {
        if (now.toLocalTime().isBefore(hours.start())) {
            return Optional.empty();
        }
        LocalDate monday = WeekResult.mondayOf(today);
        Optional<WeekResult> week = s.report().weeks().stream().filter(w -> mondayOfWeek(w).equals(monday)).findFirst();
        if (week.isEmpty() || week.get().verdict() == Verdict.NOT_REQUIRED || week.get().requiredSeconds() == 0) {
            return Optional.empty();
        }
        long required = week.get().requiredSeconds();
        long attended = week.get().attendedSeconds();
        if (attended >= required) {
            return Optional.empty();
        }
        Usual usual = usualDailySeconds(s, today, thresholds);
        long todayAttended = day(s, today).map(DayResult::attendedSeconds).orElse(0L);
        boolean todayStillOpen = now.toLocalTime().isBefore(hours.end());
        long todayMore = todayStillOpen ? Math.max(0, usual.seconds() - todayAttended) : 0;
        int laterDays = 0;
        for (DayResult d : s.report().days()) {
            if (d.date().isAfter(today) && !d.date().isAfter(monday.plusDays(6)) && d.schoolDay()) {
                laterDays++;
            }
        }
        long reachable = attended + todayMore + laterDays * usual.seconds();
        if (reachable >= required) {
            return Optional.empty();
        }
        int remainingDays = laterDays + (todayStillOpen ? 1 : 0);
        String text = String.format(Locale.ROOT,
                "%s：本周（%s）已累计 %s 小时，本周要求 %s 小时，还差 %s 小时；剩余 %d 个学校日%s，按%s每天 %s 小时计算，"
                        + "最多还能累计 %s 小时（%s），本周将无法达标。请延长剩余学校日的开放时间。",
                s.room().name(), week.get().week(), hoursText(attended), hoursText(required),
                hoursText(required - attended), remainingDays, todayStillOpen ? "（含今天）" : "",
                usual.explanation(), hoursText(usual.seconds()), hoursText(todayMore + laterDays * usual.seconds()),
                arithmetic(todayStillOpen, todayAttended, usual.seconds(), todayMore, laterDays));
        return Optional.of(new Condition(s.room().roomId(), WarningKind.WEEK_AT_RISK, monday, text));
    }

    private static String arithmetic(boolean todayStillOpen, long todayAttended, long usual, long todayMore,
                                     int laterDays) {
        List<String> parts = new ArrayList<>();
        if (todayStillOpen) {
            parts.add("今天 " + hoursText(todayMore) + (todayAttended > 0
                    ? "（" + hoursText(usual) + " − 已有 " + hoursText(todayAttended) + "）" : ""));
        }
        if (laterDays > 0) {
            parts.add(laterDays + " × " + hoursText(usual));
        }
        return parts.isEmpty() ? "0" : String.join(" + ", parts);
    }

    /** A room's usual daily attended seconds and how it was found. */
    record Usual(long seconds, String explanation) {
    }

    Usual usualDailySeconds(RoomSituation s, LocalDate today, Thresholds thresholds) {
        List<DayResult> past = new ArrayList<>();
        List<DayResult> days = s.report().days();
        for (int i = days.size() - 1; i >= 0 && past.size() < settings.usualSchoolDays(); i--) {
            DayResult d = days.get(i);
            if (d.date().isBefore(today) && d.schoolDay() && d.verdict() != Verdict.NO_DATA) {
                past.add(d);
            }
        }
        if (past.isEmpty()) {
            return new Usual(thresholds.dailySeconds(), "每日要求");
        }
        long sum = past.stream().mapToLong(DayResult::attendedSeconds).sum();
        return new Usual(sum / past.size(), "近 " + past.size() + " 个学校日平均");
    }

    private Optional<Condition> deviceSilent(RoomSituation s, Instant now, LocalDateTime local, OpeningHours hours) {
        if (!hours.contains(local.toLocalTime())) {
            return Optional.empty();
        }
        Duration silent = Duration.between(s.lastSignOfLife(), now);
        if (silent.compareTo(settings.deviceSilentAfter()) < 0) {
            return Optional.empty();
        }
        ZonedDateTime last = s.lastSignOfLife().atZone(RulesEngine.ZONE);
        String since = last.toLocalDate().equals(local.toLocalDate())
                ? last.toLocalTime().format(HH_MM) : last.toLocalDate() + " " + last.toLocalTime().format(HH_MM);
        String text = String.format(Locale.ROOT,
                "%s：自助终端自 %s 起无信号（已 %d 分钟），开放时间 %s 内的开放无法被记录。请检查终端的电源和网络。",
                s.room().name(), since, silent.toMinutes(), hours);
        return Optional.of(new Condition(s.room().roomId(), WarningKind.DEVICE_SILENT, local.toLocalDate(), text));
    }

    /**
     * The three device health conditions of a room, from its devices' latest health reports. They count as checked
     * only when every device of the room that ever reported its health has a fresh report from an online device: a
     * device that went quiet keeps its warning open (and {@code device_silent} says why) instead of clearing it.
     */
    private void deviceHealth(RoomSituation s, Instant now, LocalDate today, List<Condition> out,
                              java.util.Set<String> checked) {
        DeviceHealthLimits limits = settings.deviceHealth();
        List<DeviceReport> fresh = s.devices().stream()
                .filter(d -> d.online() && !d.receivedAt().isBefore(now.minus(limits.healthMaxAge())))
                .sorted(java.util.Comparator.comparing(DeviceReport::deviceId)).toList();
        String room = s.room().roomId();
        if (!fresh.isEmpty() && fresh.size() == s.devices().size()) {
            for (WarningKind kind : List.of(WarningKind.SENSOR_STUCK, WarningKind.CLOCK_UNSYNCED, WarningKind.OUTBOX_BACKLOG)) {
                checked.add(new Condition(room, kind, today, "").id());
            }
        }
        List<String> sensor = new ArrayList<>();
        List<String> clock = new ArrayList<>();
        List<String> backlog = new ArrayList<>();
        for (DeviceReport d : fresh) {
            var h = d.health();
            if (h.sensorError()) {
                sensor.add("设备 " + d.deviceId() + " 读不到人体感应器的信号（硬件读取错误）");
            } else if (h.sensorUnchangedOpenSeconds() >= limits.sensorStuckAfter().toSeconds()) {
                sensor.add("设备 " + d.deviceId() + " 的人体感应器在辅导室开放期间已累计 "
                        + hoursText(h.sensorUnchangedOpenSeconds()) + " 小时没有任何变化");
            }
            if (!h.clockSynced() && h.clockUnsyncedSeconds() >= limits.clockUnsyncedAfter().toSeconds()) {
                clock.add("设备 " + d.deviceId() + " 的时钟已 " + h.clockUnsyncedSeconds() / 60 + " 分钟未与网络时间同步");
            }
            List<Long> depths = d.recentDepths();
            // an unsynchronised device holds its events back on purpose until its clock syncs (docs/device.md, "Time
            // without a clock"): that backlog is the clock's doing, and the clock warning names it
            if (h.clockSynced() && h.outboxDepth() > 0 && h.outboxOldestSeconds() >= limits.backlogAge().toSeconds()
                    && growing(depths, limits.backlogReports())) {
                List<Long> last = depths.subList(depths.size() - limits.backlogReports(), depths.size());
                backlog.add(String.format(Locale.ROOT, "设备 %s 有 %d 条记录未获服务器确认，最早一条已等待 %d 分钟，"
                                + "且最近 %d 次上报持续增加（%s）", d.deviceId(), h.outboxDepth(),
                        h.outboxOldestSeconds() / 60, last.size(),
                        String.join(" → ", last.stream().map(String::valueOf).toList())));
            }
        }
        String name = s.room().name();
        if (!sensor.isEmpty()) {
            out.add(new Condition(room, WarningKind.SENSOR_STUCK, today, name + "：" + String.join("；", sensor)
                    + "。感应器可能被遮挡、松脱或损坏，有人值守的时间可能无法被记录。请学校检查感应器的朝向与连线；"
                    + "仍无变化请联系区县信息技术人员。"));
        }
        if (!clock.isEmpty()) {
            out.add(new Condition(room, WarningKind.CLOCK_UNSYNCED, today, name + "：" + String.join("；", clock)
                    + "。未同步期间的记录暂不上传，同步后按实际时间补记；长时间无法同步时，这些记录不计入开放时间。"
                    + "请检查设备能否联网访问校时服务器（NTP），并联系区县信息技术人员。"));
        }
        if (!backlog.isEmpty()) {
            out.add(new Condition(room, WarningKind.OUTBOX_BACKLOG, today, name + "：" + String.join("；", backlog)
                    + "。记录保存在设备上不会丢失，但统计结果会滞后。请区县信息技术人员检查采集服务及其与设备的连接。"));
        }
    }

    /** Whether each of the last {@code reports} depths is larger than the one before it. */
    static boolean growing(List<Long> depths, int reports) {
        if (depths.size() < reports) {
            return false;
        }
        for (int i = depths.size() - reports + 1; i < depths.size(); i++) {
            if (depths.get(i) <= depths.get(i - 1)) {
                return false;
            }
        }
        return true;
    }

    private List<Condition> verdictsChanged(RoomSituation s, LocalDate today) {
        List<Condition> out = new ArrayList<>();
        for (WeekResult week : finishedWeeks(s, today)) {
            LocalDate monday = mondayOfWeek(week);
            Verdict reported = s.reportedVerdicts().get(monday);
            if (reported != null && reported != week.verdict()) {
                String text = String.format(Locale.ROOT,
                        "%s：%s 周的判定因迟到的数据由「%s」变为「%s」（已达标时间 %s 小时，要求 %s 小时）。请核对已上报的结果。",
                        s.room().name(), week.week(), verdictText(reported), verdictText(week.verdict()),
                        hoursText(week.attendedSeconds()), hoursText(week.requiredSeconds()));
                out.add(new Condition(s.room().roomId(), WarningKind.VERDICT_CHANGED, monday, text));
            }
        }
        return out;
    }

    private Optional<DayResult> day(RoomSituation s, LocalDate date) {
        return s.report().days().stream().filter(d -> d.date().equals(date)).findFirst();
    }

    static String verdictText(Verdict v) {
        return switch (v) {
            case MET -> "达标";
            case NOT_MET -> "未达标";
            case NO_DATA -> "无数据";
            case NOT_REQUIRED -> "不考核";
        };
    }

    /** Hours with one decimal. */
    static String hoursText(long seconds) {
        return String.format(Locale.ROOT, "%.1f", seconds / 3600.0);
    }
}

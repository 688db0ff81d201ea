package cn.xinan.collector.audit;

import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.DayResult;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.Verdict;
import cn.xinan.rules.WeekResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One audited room: its registry entry and the rules engine's report.
 *
 * @param room     the room as registered (county, school, name, tier)
 * @param report   the engine's verdicts for the audit period
 * @param evidence per device, the events the verdicts were computed from
 * @param found    the exceptions found in the events ({@link EventExceptions}): device offline, late events
 */
public record AuditRoom(RoomRecord room, RoomReport report, List<DeviceEvidence> evidence, List<AuditException> found) {
    public AuditRoom {
        Objects.requireNonNull(room, "room is missing");
        Objects.requireNonNull(report, "report is missing");
        evidence = List.copyOf(Objects.requireNonNull(evidence, "evidence is missing"));
        found = List.copyOf(Objects.requireNonNull(found, "found exceptions are missing"));
        if (!room.roomId().equals(report.room())) {
            throw new IllegalArgumentException("report of room " + report.room() + " given for room " + room.roomId());
        }
    }

    /**
     * Every exception of the period: from the verdicts (days, then weeks, then excluded events), then those found in
     * the events (per day: device offline, late events).
     */
    public List<AuditException> exceptions() {
        List<AuditException> out = new ArrayList<>();
        long daily = report.thresholds().dailySeconds();
        for (DayResult d : report.days()) {
            String unit = d.date().toString();
            if (d.verdict() == Verdict.NO_DATA) {
                out.add(new AuditException(unit, AuditException.Kind.NO_DATA_DAY,
                        "school day without any sign of life from the room's devices (counts as not met)",
                        "学校日全天无设备信号（按未达标计）"));
            } else if (d.verdict() == Verdict.NOT_MET) {
                out.add(new AuditException(unit, AuditException.Kind.NOT_MET_DAY,
                        "attended " + hours(d.attendedSeconds()) + " of the " + hours(daily) + " required",
                        "有效开放 " + hoursZh(d.attendedSeconds()) + "，要求 " + hoursZh(daily)));
            }
            if (d.unattendedSeconds() > 0) {
                out.add(new AuditException(unit, AuditException.Kind.UNATTENDED,
                        "open " + hours(d.openSeconds()) + ", of which " + hours(d.unattendedSeconds())
                                + " with nobody present",
                        "开放 " + hoursZh(d.openSeconds()) + "，其中 " + hoursZh(d.unattendedSeconds()) + " 无人在场（不计入有效开放）"));
            }
        }
        for (WeekResult w : report.weeks()) {
            if (w.verdict() == Verdict.NO_DATA) {
                out.add(new AuditException(w.week(), AuditException.Kind.NO_DATA_WEEK,
                        "assessed week without any sign of life from the room's devices (counts as not met)",
                        "本周全周无设备信号（按未达标计）"));
            } else if (w.verdict() == Verdict.NOT_MET) {
                out.add(new AuditException(w.week(), AuditException.Kind.NOT_MET_WEEK,
                        "attended " + hours(w.attendedSeconds()) + " of the " + hours(w.requiredSeconds())
                                + " required (" + w.schoolDays() + " school days)",
                        "本周有效开放 " + hoursZh(w.attendedSeconds()) + "，要求 " + hoursZh(w.requiredSeconds())
                                + "（" + w.schoolDays() + " 个学校日）"));
            }
        }
        if (report.excludedUnsyncedEvents() > 0) {
            String period = report.days().getFirst().date() + ".." + report.days().getLast().date();
            out.add(new AuditException(period, AuditException.Kind.UNSYNCED_EXCLUDED,
                    report.excludedUnsyncedEvents() + " events recorded before the device clock was synchronised"
                            + " were left out",
                    report.excludedUnsyncedEvents() + " 条设备时钟同步前记录的事件时间不可信，未计入"));
        }
        out.addAll(found);
        return out;
    }

    static String hours(long seconds) {
        return String.format(Locale.ROOT, "%.2f h", seconds / 3600.0);
    }

    static String hoursZh(long seconds) {
        return String.format(Locale.ROOT, "%.2f 小时", seconds / 3600.0);
    }
}

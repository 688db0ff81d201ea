package cn.xinan.collector.warnings;

import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.Verdict;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link WarningRules} needs to know about one room at one moment.
 *
 * @param room             the registered room
 * @param report           the engine's report from a few weeks back to the Sunday of the current week (days after
 *                         today carry no attended time yet)
 * @param lastSignOfLife   when the room's devices were last heard from
 * @param reportedVerdicts per finished week (its Monday), the verdict first seen after the week was over
 * @param devices          the latest health each of the room's devices reported (those that reported one)
 */
public record RoomSituation(RoomRecord room, RoomReport report, Instant lastSignOfLife,
                            Map<LocalDate, Verdict> reportedVerdicts, java.util.List<DeviceReport> devices) {
    public RoomSituation {
        Objects.requireNonNull(room, "room is missing");
        Objects.requireNonNull(report, "report is missing");
        Objects.requireNonNull(lastSignOfLife, "lastSignOfLife is missing");
        reportedVerdicts = Map.copyOf(Objects.requireNonNull(reportedVerdicts, "reportedVerdicts are missing"));
        devices = java.util.List.copyOf(Objects.requireNonNull(devices, "devices are missing"));
    }

    /** A room whose devices reported no health. */
    public RoomSituation(RoomRecord room, RoomReport report, Instant lastSignOfLife, Map<LocalDate, Verdict> reportedVerdicts) {
        this(room, report, lastSignOfLife, reportedVerdicts, java.util.List.of());
    }
}

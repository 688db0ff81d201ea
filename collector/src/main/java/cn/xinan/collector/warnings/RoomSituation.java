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
 */
public record RoomSituation(RoomRecord room, RoomReport report, Instant lastSignOfLife,
                            Map<LocalDate, Verdict> reportedVerdicts) {
    public RoomSituation {
        Objects.requireNonNull(room, "room is missing");
        Objects.requireNonNull(report, "report is missing");
        Objects.requireNonNull(lastSignOfLife, "lastSignOfLife is missing");
        reportedVerdicts = Map.copyOf(Objects.requireNonNull(reportedVerdicts, "reportedVerdicts are missing"));
    }
}

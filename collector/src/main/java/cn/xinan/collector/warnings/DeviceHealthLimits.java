package cn.xinan.collector.warnings;

import java.time.Duration;
import java.util.Objects;

/**
 * When a device's reported health raises a warning (docs/warnings.md, "Device health").
 *
 * @param sensorStuckAfter   {@code warnings.sensor-stuck-hours}: open time without any change of the presence
 *                           reading that makes the sensor "stuck" (default 4 h; 1 to 24 h)
 * @param clockUnsyncedAfter {@code warnings.clock-unsynced-minutes}: how long a clock may stay unsynchronised
 *                           (default 30 min; 1 min to 24 h)
 * @param backlogAge         {@code warnings.backlog-minutes}: how old the oldest unacknowledged event must be
 *                           (default 30 min; 1 min to 24 h)
 * @param backlogReports     {@code warnings.backlog-reports}: across how many consecutive health reports the outbox
 *                           must have grown at every report (default 3; 2 to 16)
 * @param healthMaxAge       {@code warnings.device-health-max-age-minutes}: a health report older than this is not
 *                           judged (the device went quiet: {@code device_silent} is about that; default 30 min;
 *                           1 min to 24 h)
 */
public record DeviceHealthLimits(Duration sensorStuckAfter, Duration clockUnsyncedAfter, Duration backlogAge,
                                 int backlogReports, Duration healthMaxAge) {
    public static final DeviceHealthLimits DEFAULTS = new DeviceHealthLimits(Duration.ofHours(4),
            Duration.ofMinutes(30), Duration.ofMinutes(30), 3, Duration.ofMinutes(30));

    public DeviceHealthLimits {
        within(sensorStuckAfter, Duration.ofHours(1), Duration.ofHours(24), "warnings.sensor-stuck-hours", "1 to 24 hours");
        within(clockUnsyncedAfter, Duration.ofMinutes(1), Duration.ofHours(24), "warnings.clock-unsynced-minutes",
                "1 to 1440 minutes");
        within(backlogAge, Duration.ofMinutes(1), Duration.ofHours(24), "warnings.backlog-minutes", "1 to 1440 minutes");
        if (backlogReports < 2 || backlogReports > cn.xinan.collector.ingest.DeviceStatusBoard.KEPT_DEPTHS) {
            throw new IllegalArgumentException("warnings.backlog-reports must be 2 to "
                    + cn.xinan.collector.ingest.DeviceStatusBoard.KEPT_DEPTHS + ", was " + backlogReports);
        }
        within(healthMaxAge, Duration.ofMinutes(1), Duration.ofHours(24), "warnings.device-health-max-age-minutes",
                "1 to 1440 minutes");
    }

    private static void within(Duration d, Duration min, Duration max, String key, String range) {
        Objects.requireNonNull(d, key + " is missing");
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException(key + " must be " + range + ", was " + d.toMinutes() + " minutes");
        }
    }
}

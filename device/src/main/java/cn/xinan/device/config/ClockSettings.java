package cn.xinan.device.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the device learns that its clock is right (most Pis have no battery clock), and how it handles
 * events recorded before that. docs/device.md, "Time without a clock".
 *
 * @param syncMarker    {@code clock.syncMarker}: the file whose existence means "synchronised"
 *                      (default {@code /run/systemd/timesync/synchronized}, created by systemd-timesyncd)
 * @param jumpThreshold {@code clock.jumpThreshold}: a wall-clock step against the monotonic clock larger
 *                      than this is a clock jump, reported in health (default 2m)
 * @param maxHold       {@code clock.maxHold}: events recorded unsynchronised are held back in the outbox
 *                      to be re-timed at sync; after this long without sync they are sent as they are,
 *                      flagged unsynchronised (default 6h)
 */
public record ClockSettings(Path syncMarker, Duration jumpThreshold, Duration maxHold) {
    public static final Path DEFAULT_SYNC_MARKER = Path.of("/run/systemd/timesync/synchronized");
    public static final ClockSettings DEFAULTS = new ClockSettings(DEFAULT_SYNC_MARKER, Duration.ofMinutes(2),
            Duration.ofHours(6));

    public ClockSettings {
        if (syncMarker == null) {
            throw new ConfigException(DeviceConfig.CLOCK_SYNC_MARKER, "is missing");
        }
        if (jumpThreshold == null || jumpThreshold.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(DeviceConfig.CLOCK_JUMP_THRESHOLD, "must be at least 1s, was " + jumpThreshold);
        }
        if (maxHold == null || maxHold.isNegative()) {
            throw new ConfigException(DeviceConfig.CLOCK_MAX_HOLD, "must not be negative, was " + maxHold);
        }
    }
}

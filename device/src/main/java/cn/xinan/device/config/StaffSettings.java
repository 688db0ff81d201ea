package cn.xinan.device.config;

import cn.xinan.device.staff.StaffAccess.StaffPin;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who may use staff mode at the kiosk.
 *
 * @param pins            {@code staff.pins}: {@code CODE:HASH} entries separated by commas (HASH from
 *                        {@code xinan-device --hash-pin}); empty = staff mode is unavailable
 * @param lockoutFailures {@code staff.lockout.failures}: wrong PINs in a row that lock staff mode (default 5)
 * @param lockoutDuration {@code staff.lockout.duration}: how long it stays locked (default 5m)
 */
public record StaffSettings(List<StaffPin> pins, int lockoutFailures, Duration lockoutDuration) {
    public static final int DEFAULT_LOCKOUT_FAILURES = 5;
    public static final Duration DEFAULT_LOCKOUT_DURATION = Duration.ofMinutes(5);
    public static final StaffSettings NONE = new StaffSettings(List.of(), DEFAULT_LOCKOUT_FAILURES,
            DEFAULT_LOCKOUT_DURATION);

    public StaffSettings {
        pins = List.copyOf(pins);
        Set<String> codes = new HashSet<>();
        for (StaffPin p : pins) {
            if (!codes.add(p.code())) {
                throw new ConfigException(DeviceConfig.STAFF_PINS, "staff code " + p.code() + " is listed twice");
            }
        }
        if (lockoutFailures < 1 || lockoutFailures > 100) {
            throw new ConfigException(DeviceConfig.STAFF_LOCKOUT_FAILURES, "must be 1 to 100, was " + lockoutFailures);
        }
        if (lockoutDuration == null || lockoutDuration.isNegative() || lockoutDuration.isZero()) {
            throw new ConfigException(DeviceConfig.STAFF_LOCKOUT_DURATION, "must be positive, was " + lockoutDuration);
        }
    }

    public StaffSettings withPins(List<StaffPin> newPins) {
        return new StaffSettings(newPins, lockoutFailures, lockoutDuration);
    }
}

package cn.xinan.device.config;

import java.time.Duration;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The kiosk screen's settings.
 *
 * @param roomName     {@code room.name}: shown on the start screen (default: the device id)
 * @param openingHours {@code room.openingHours}: the posted opening hours, free text set by the school
 *                     (for example {@code 周一至周五 12:00-13:00, 16:30-17:30}); empty = not shown
 * @param port         {@code kiosk.port}: the HTTP port on 127.0.0.1 (default {@value #DEFAULT_PORT}; 0 = any free
 *                     port; when the port is taken the kiosk takes a free one and says so)
 * @param idleTimeout  {@code kiosk.idleTimeout}: back to the start screen after this long untouched (default 30s)
 * @param timeZone     {@code kiosk.timeZone}: the zone the screen shows times in (default Asia/Shanghai, the zone
 *                     the rules count days in; {@code system} = the device's own zone)
 * @param progress     {@code rules.*} and {@code calendar.*}: what the progress figures are computed with
 */
public record KioskSettings(String roomName, String openingHours, int port, Duration idleTimeout, ZoneId timeZone,
                            ProgressSettings progress) {
    /** Not the demo's or the collector's 8080: both may run on the same computer as a simulated device. */
    public static final int DEFAULT_PORT = 8090;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("Asia/Shanghai");

    public KioskSettings {
        if (roomName == null || roomName.isBlank() || roomName.length() > 60) {
            throw new ConfigException(DeviceConfig.ROOM_NAME, "must be 1 to 60 characters");
        }
        openingHours = Objects.requireNonNullElse(openingHours, "");
        if (openingHours.length() > 200) {
            throw new ConfigException(DeviceConfig.ROOM_OPENING_HOURS, "must be at most 200 characters");
        }
        if (port < 0 || port > 65_535) {
            throw new ConfigException(DeviceConfig.KIOSK_PORT, "must be 0 to 65535, was " + port);
        }
        if (idleTimeout == null) {
            throw new ConfigException(DeviceConfig.KIOSK_IDLE_TIMEOUT, "is missing");
        }
        if (idleTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new ConfigException(DeviceConfig.KIOSK_IDLE_TIMEOUT, "must be at least 1s, was " + idleTimeout);
        }
        timeZone = Objects.requireNonNullElse(timeZone, DEFAULT_TIME_ZONE);
        progress = Objects.requireNonNullElse(progress, ProgressSettings.DEFAULTS);
    }

    /** Times in Asia/Shanghai, the rules' defaults and the bundled calendar. */
    public KioskSettings(String roomName, String openingHours, int port, Duration idleTimeout) {
        this(roomName, openingHours, port, idleTimeout, DEFAULT_TIME_ZONE, ProgressSettings.DEFAULTS);
    }

    /** These settings with another port (0 = any free port). */
    public KioskSettings withPort(int newPort) {
        return new KioskSettings(roomName, openingHours, newPort, idleTimeout, timeZone, progress);
    }

    /** These settings with the progress computed by {@code newProgress}. */
    public KioskSettings withProgress(ProgressSettings newProgress) {
        return new KioskSettings(roomName, openingHours, port, idleTimeout, timeZone, newProgress);
    }

    public static KioskSettings defaults(String roomName) {
        String name = roomName.length() > 60 ? roomName.substring(0, 60) : roomName;
        return new KioskSettings(name, "", DEFAULT_PORT, DEFAULT_IDLE_TIMEOUT);
    }
}

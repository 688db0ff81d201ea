package cn.xinan.device.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The kiosk screen's settings.
 *
 * @param roomName     {@code room.name}: shown on the start screen (default: the device id)
 * @param openingHours {@code room.openingHours}: the posted opening hours, free text set by the school
 *                     (for example {@code 周一至周五 12:00-13:00, 16:30-17:30}); empty = not shown
 * @param port         {@code kiosk.port}: the HTTP port on 127.0.0.1 (default 8080; 0 = any free port)
 * @param idleTimeout  {@code kiosk.idleTimeout}: back to the start screen after this long untouched (default 30s)
 */
public record KioskSettings(String roomName, String openingHours, int port, Duration idleTimeout) {
    public static final int DEFAULT_PORT = 8080;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);

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
    }

    public static KioskSettings defaults(String roomName) {
        String name = roomName.length() > 60 ? roomName.substring(0, 60) : roomName;
        return new KioskSettings(name, "", DEFAULT_PORT, DEFAULT_IDLE_TIMEOUT);
    }
}

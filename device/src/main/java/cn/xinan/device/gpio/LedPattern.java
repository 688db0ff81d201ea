package cn.xinan.device.gpio;

import java.time.Duration;

/**
 * What the status LED shows. Seen from the corridor: steady on = the room is open; off = closed;
 * blinking once a second = the device cannot reach the server (it still records: nothing is lost).
 */
public enum LedPattern {
    OPEN,
    CLOSED,
    /** 500 ms on, 500 ms off. */
    OFFLINE;

    /** Half a blink period. */
    public static final Duration BLINK_HALF_PERIOD = Duration.ofMillis(500);

    /**
     * Whether the LED is lit {@code sincePatternStart} after the pattern began (a blink starts lit).
     */
    public boolean litAt(Duration sincePatternStart) {
        return switch (this) {
            case OPEN -> true;
            case CLOSED -> false;
            case OFFLINE -> (sincePatternStart.toMillis() / BLINK_HALF_PERIOD.toMillis()) % 2 == 0;
        };
    }

    /** The pattern for a room that is {@code open}, on a device that is {@code online} (connected to the broker). */
    public static LedPattern of(boolean open, boolean online) {
        if (!online) {
            return OFFLINE;
        }
        return open ? OPEN : CLOSED;
    }
}

package cn.xinan.device.outbox;

import java.util.Arrays;
import java.util.Locale;

/**
 * SQLite's {@code PRAGMA synchronous} level for the outbox (in WAL mode).
 *
 * <ul>
 *   <li>{@link #FULL} (default): every recorded event is fsynced before {@code append} returns, so
 *       an event survives a power cut the instant it is recorded.</li>
 *   <li>{@link #NORMAL}: commits reach the WAL without an fsync; an event survives a crash of the
 *       firmware but the last commits before a power cut can be lost. For the scenario replay, which
 *       simulates power loss logically (docs/device.md gives the measured cost of each).</li>
 *   <li>{@link #EXTRA}: FULL plus an fsync of the directory after a checkpoint.</li>
 * </ul>
 * {@code OFF} is not offered: it would lose recorded events on a power cut.
 */
public enum SynchronousMode {
    NORMAL, FULL, EXTRA;

    /** @throws IllegalArgumentException naming the accepted values */
    public static SynchronousMode parse(String text) {
        if (text != null) {
            for (SynchronousMode mode : values()) {
                if (mode.name().equals(text.trim().toUpperCase(Locale.ROOT))) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of " + Arrays.toString(values()));
    }
}

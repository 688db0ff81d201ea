package cn.xinan.device.room;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the device clock is synchronised (NTP) right now. Most Pis have no RTC, so until
 * synchronisation succeeds the clock is wrong and events recorded then are flagged (docs/rules.md §6).
 */
@FunctionalInterface
public interface ClockSyncStatus {
    /** Simulated mode and tests: the (simulated) clock is by definition right. */
    ClockSyncStatus SYNCED = () -> true;

    boolean isSynchronized();

    /**
     * systemd-timesyncd creates {@code /run/systemd/timesync/synchronized} once it has synchronised
     * the clock (and keeps it until reboot): the check costs one {@code stat}.
     */
    static ClockSyncStatus systemdTimesync() {
        return marker(Path.of("/run/systemd/timesync/synchronized"));
    }

    /** Synchronised while {@code markerFile} exists. */
    static ClockSyncStatus marker(Path markerFile) {
        return () -> Files.exists(markerFile);
    }
}

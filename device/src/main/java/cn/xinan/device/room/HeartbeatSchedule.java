package cn.xinan.device.room;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Heartbeats fall at boot time + k × interval (k = 1, 2, …), whatever else happens in between, so
 * the collector can tell the last sign of life before an outage within one interval.
 * Not thread-safe: the room state machine owns it.
 */
public final class HeartbeatSchedule {
    private final Duration interval;
    private Instant next;

    public HeartbeatSchedule(Instant bootAt, Duration interval) {
        Objects.requireNonNull(bootAt, "boot time is missing");
        Objects.requireNonNull(interval, "heartbeat interval is missing");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, was " + interval);
        }
        this.interval = interval;
        this.next = bootAt.plus(interval);
    }

    /** The next heartbeat not yet taken. */
    public Instant nextDue() {
        return next;
    }

    /** Whether a heartbeat is due at or before {@code now}. */
    public boolean isDueBy(Instant now) {
        return !next.isAfter(now);
    }

    /** Moves the schedule by {@code offset} (the wall clock stepped). */
    public void shift(Duration offset) {
        next = next.plus(offset);
    }

    /** Marks the next heartbeat as recorded. */
    public void advance() {
        next = next.plus(interval);
    }
}

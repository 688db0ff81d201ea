package cn.xinan.device.clock;

import cn.xinan.device.room.ClockSyncStatus;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Watches the wall clock against the monotonic clock: the difference between them is constant unless
 * the wall clock is stepped (NTP's first sync on a Pi without a battery clock, someone setting the
 * date). A change of the difference by more than {@code jumpThreshold} between two checks is a jump;
 * NTP's gradual slewing stays far below it. Also tells when the clock becomes synchronised.
 * Thread-safe.
 */
public final class ClockWatch {
    /** A detected jump: when (on the new wall clock) and by how much (positive = forward). */
    public record Jump(Instant detectedAt, Duration size) {
    }

    private final Clock wall;
    private final MonotonicClock monotonic;
    private final ClockSyncStatus sync;
    private final Duration jumpThreshold;
    private long offsetMillis;
    private Jump lastJump;
    private boolean synced;
    /** Monotonic millis since which the clock has been unsynchronised without a break; meaningless when synced. */
    private long unsyncedSinceMillis;

    public ClockWatch(Clock wall, MonotonicClock monotonic, ClockSyncStatus sync, Duration jumpThreshold) {
        this.wall = Objects.requireNonNull(wall, "wall clock is missing");
        this.monotonic = Objects.requireNonNull(monotonic, "monotonic clock is missing");
        this.sync = Objects.requireNonNull(sync, "sync status is missing");
        this.jumpThreshold = Objects.requireNonNull(jumpThreshold, "jump threshold is missing");
        this.offsetMillis = wall.millis() - monotonic.millis();
        this.synced = sync.isSynchronized();
        this.unsyncedSinceMillis = monotonic.millis();
    }

    /** The wall clock's jump since the last check, if it jumped by more than the threshold. */
    public synchronized Optional<Jump> checkJump() {
        long offset = wall.millis() - monotonic.millis();
        long step = offset - offsetMillis;
        offsetMillis = offset;
        if (Math.abs(step) > jumpThreshold.toMillis()) {
            lastJump = new Jump(wall.instant(), Duration.ofMillis(step));
            return Optional.of(lastJump);
        }
        return Optional.empty();
    }

    /**
     * Whether the clock is synchronised now; {@code true} exactly once in {@link Transition#BECAME_SYNCED}
     * when it was not at the previous check.
     */
    public synchronized Transition checkSync() {
        boolean now = sync.isSynchronized();
        boolean was = synced;
        synced = now;
        if (!now && was) {
            unsyncedSinceMillis = monotonic.millis();
        }
        if (now && !was) {
            return Transition.BECAME_SYNCED;
        }
        return now ? Transition.SYNCED : Transition.UNSYNCED;
    }

    public enum Transition { SYNCED, BECAME_SYNCED, UNSYNCED }

    public synchronized boolean isSynced() {
        return synced;
    }

    /**
     * How long the clock has been unsynchronised without a break as of the last check, on the monotonic clock (the
     * wall clock is wrong meanwhile); zero when it is synchronised.
     */
    public synchronized Duration unsyncedFor() {
        return synced ? Duration.ZERO : Duration.ofMillis(Math.max(0, monotonic.millis() - unsyncedSinceMillis));
    }

    public synchronized Optional<Jump> lastJump() {
        return Optional.ofNullable(lastJump);
    }

    public long monotonicMillis() {
        return monotonic.millis();
    }
}

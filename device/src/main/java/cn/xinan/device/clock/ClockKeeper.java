package cn.xinan.device.clock;

import cn.xinan.device.room.RoomStateMachine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps the device's events right in time while the wall clock moves under them (docs/device.md, "Time without
 * a clock"): at every input and timer tick it asks the {@link ClockWatch} whether the wall clock jumped (the
 * heartbeat schedule moves with it) and whether it became synchronised (the {@link Reanchoring} re-times the
 * events held back meanwhile), and lets an earlier run's or an over-long hold go as it is.
 *
 * <p>Not thread-safe: the device calls it under its own lock.
 */
public final class ClockKeeper {
    private static final System.Logger LOG = System.getLogger(ClockKeeper.class.getName());

    /** What the device does when held events were re-timed or released: reload its progress, wake delivery. */
    public interface Listener {
        /** Held events were re-timed (their times changed) or let go: delivery may go on. */
        void released(boolean retimed);
    }

    private final String deviceId;
    private final Clock clock;
    private final ClockWatch watch;
    private final Reanchoring reanchoring;
    private final Duration maxHold;
    private final Listener listener;

    public ClockKeeper(String deviceId, Clock clock, ClockWatch watch, Reanchoring reanchoring, Duration maxHold,
                       Listener listener) {
        this.deviceId = Objects.requireNonNull(deviceId, "device id is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.watch = Objects.requireNonNull(watch, "clock watch is missing");
        this.reanchoring = Objects.requireNonNull(reanchoring, "re-anchoring is missing");
        this.maxHold = Objects.requireNonNull(maxHold, "max hold is missing");
        this.listener = Objects.requireNonNull(listener, "listener is missing");
    }

    /** At boot: an earlier run's unsynchronised events can no longer be re-timed; they go as they are. */
    public void releaseEarlierRuns() {
        int stale = reanchoring.releaseStale();
        if (stale > 0) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1} events of an earlier run were recorded before its clock "
                    + "was synchronised; sent as they are (flagged unsynchronised)", deviceId, stale);
        }
    }

    /**
     * Checks the clock at {@code now}: a jump moves {@code machine}'s heartbeat schedule; the first sync re-times
     * the held events.
     *
     * @return {@code now}, or the clock's time after a jump was detected
     */
    public Instant check(Instant now, RoomStateMachine machine) {
        Optional<ClockWatch.Jump> jump = watch.checkJump();
        if (jump.isPresent()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: the wall clock jumped by {1} (detected at {2}); heartbeats "
                    + "follow the new time", deviceId, jump.get().size(), jump.get().detectedAt());
            machine.clockJumped(jump.get().size());
            now = clock.instant();
        }
        switch (watch.checkSync()) {
            case BECAME_SYNCED -> {
                var retimed = reanchoring.reanchor();
                if (!retimed.isEmpty()) {
                    LOG.log(System.Logger.Level.INFO, "{0}: clock synchronised; {1} events recorded before were "
                            + "re-timed (seq {2} to {3})", deviceId, retimed.size(), retimed.get(0).seq(),
                            retimed.get(retimed.size() - 1).seq());
                }
                listener.released(!retimed.isEmpty());
            }
            case UNSYNCED -> {
                if (reanchoring.releaseStale() > 0) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: the clock has not been synchronised for {1}; events "
                            + "recorded meanwhile are sent as they are", deviceId, maxHold);
                    listener.released(false);
                }
            }
            case SYNCED -> { }
        }
        return now;
    }

    public boolean isSynced() {
        return watch.isSynced();
    }

    /** How long the clock has been unsynchronised without a break; zero when synchronised (device health). */
    public Duration unsyncedFor() {
        return watch.unsyncedFor();
    }

    /** The last jump, for health (the kiosk shows it in local time with its direction and size). */
    public Optional<ClockWatch.Jump> lastJump() {
        return watch.lastJump();
    }
}

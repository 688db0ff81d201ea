package cn.xinan.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock the test moves by hand, read from any thread: a monotonic count from 0 and a wall clock = the start instant
 * plus that count. {@link #advance} moves both; {@link #set} steps the wall clock alone, as an NTP sync steps a Pi's
 * clock that had no battery, so {@link #monotonicMillis()} is the device's monotonic clock. {@link #withZone} gives a
 * view of the same time in another zone.
 */
public final class ManualClock extends Clock {
    private final State state;
    private final ZoneId zone;

    private static final class State {
        private Instant wallAtZero;
        private long monotonicNanos;
    }

    /** At {@code start}, in UTC. */
    public ManualClock(Instant start) {
        this(start, ZoneOffset.UTC);
    }

    public ManualClock(Instant start, ZoneId zone) {
        this(new State(), zone);
        state.wallAtZero = Objects.requireNonNull(start, "start is missing");
    }

    private ManualClock(State state, ZoneId zone) {
        this.state = state;
        this.zone = Objects.requireNonNull(zone, "zone is missing");
    }

    /** Lets {@code d} pass: the wall and the monotonic clock move together. */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("time does not run backwards: " + d);
        }
        synchronized (state) {
            state.monotonicNanos += d.toNanos();
        }
    }

    /** Steps the wall clock to {@code instant} (forwards or backwards); the monotonic clock stays. */
    public void set(Instant instant) {
        synchronized (state) {
            state.wallAtZero = instant.minusNanos(state.monotonicNanos);
        }
    }

    /** The monotonic clock: the time {@link #advance}d since the start. */
    public long monotonicMillis() {
        synchronized (state) {
            return state.monotonicNanos / 1_000_000L;
        }
    }

    @Override
    public Instant instant() {
        synchronized (state) {
            return state.wallAtZero.plusNanos(state.monotonicNanos);
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId newZone) {
        return new ManualClock(state, newZone);
    }
}

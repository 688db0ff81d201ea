package cn.xinan.device.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A clock that stands still until it is told to move: the time source of simulated mode and of the
 * scenario replay, where a week of school life runs in seconds. One instance may be shared by every
 * simulated device of a replay. Thread-safe; time never goes backwards.
 */
public final class SimulatedClock extends Clock {
    private final ZoneId zone;
    private final Holder now;

    /** A clock standing at {@code start}, in UTC. */
    public SimulatedClock(Instant start) {
        this(new Holder(Objects.requireNonNull(start, "start instant is missing")), ZoneOffset.UTC);
    }

    private SimulatedClock(Holder now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /**
     * Moves the clock to {@code instant}. Moving to the current time is allowed (several devices
     * sharing this clock may each ask for the same instant).
     *
     * @throws IllegalArgumentException when {@code instant} is before the current time
     */
    public void advanceTo(Instant instant) {
        Objects.requireNonNull(instant, "instant is missing");
        synchronized (now) {
            if (instant.isBefore(now.value)) {
                throw new IllegalArgumentException("a simulated clock never goes backwards: it is at " + now.value
                        + ", asked for " + instant);
            }
            now.value = instant;
        }
    }

    @Override
    public Instant instant() {
        synchronized (now) {
            return now.value;
        }
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    /** The same simulated time seen in another zone (it moves with this clock). */
    @Override
    public SimulatedClock withZone(ZoneId zone) {
        return new SimulatedClock(now, Objects.requireNonNull(zone, "zone is missing"));
    }

    @Override
    public String toString() {
        return "SimulatedClock[" + instant() + ", " + zone + "]";
    }

    private static final class Holder {
        private Instant value;

        Holder(Instant value) {
            this.value = value;
        }
    }
}

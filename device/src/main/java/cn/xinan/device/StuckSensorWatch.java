package cn.xinan.device;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * How long the room has been open since the presence sensor's raw reading last changed, summed over the open
 * periods since that change: a sensor that sees nobody come or go through hours of an open room is stuck (or
 * unplugged, or covered). Closing the room pauses the count, a change of the reading resets it; so a sensor stuck
 * since the morning is still stuck after a lunch-time close. Pure: the device tells it the times. Not thread-safe:
 * the device calls it under its own lock.
 */
final class StuckSensorWatch {
    /** The raw change the count runs from. */
    private Instant countedFrom;
    /** Open time since {@link #countedFrom} in periods that have ended. */
    private Duration closedPeriods = Duration.ZERO;
    /** When the current open period began, {@code null} while closed. */
    private Instant openSince;

    StuckSensorWatch(Instant lastRawChange) {
        this.countedFrom = Objects.requireNonNull(lastRawChange, "last raw change is missing");
    }

    /** The room was opened at {@code at} (an open while open changes nothing). */
    void opened(Instant at, Instant lastRawChange) {
        follow(lastRawChange);
        if (openSince == null) {
            openSince = at;
        }
    }

    /** The room was closed at {@code at}. */
    void closed(Instant at, Instant lastRawChange) {
        follow(lastRawChange);
        if (openSince != null) {
            closedPeriods = closedPeriods.plus(openPart(at));
            openSince = null;
        }
    }

    /** Open time since the sensor's reading last changed, as of {@code now}. */
    Duration openUnchanged(Instant now, Instant lastRawChange) {
        follow(lastRawChange);
        return openSince == null ? closedPeriods : closedPeriods.plus(openPart(now));
    }

    /** Whether the room is open now. */
    boolean open() {
        return openSince != null;
    }

    private Duration openPart(Instant until) {
        Instant from = openSince.isAfter(countedFrom) ? openSince : countedFrom;
        Duration d = Duration.between(from, until);
        return d.isNegative() ? Duration.ZERO : d;
    }

    private void follow(Instant lastRawChange) {
        if (!lastRawChange.equals(countedFrom)) {
            countedFrom = lastRawChange;
            closedPeriods = Duration.ZERO;
        }
    }
}

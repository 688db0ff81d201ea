package cn.xinan.collector.store;

import java.time.Instant;
import java.util.Objects;

/**
 * A query range {@code [from, to)} over device time in whole epoch milliseconds (device times are whole
 * milliseconds, so an event is in the range exactly when {@code fromMs <= at_ms < toMs}).
 */
public record TimeRange(long fromMs, long toMs) {
    public static TimeRange of(Instant from, Instant to) {
        Objects.requireNonNull(from, "from is missing");
        Objects.requireNonNull(to, "to is missing");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("range end " + to + " is before its start " + from);
        }
        return new TimeRange(ceilMillis(from), ceilMillis(to));
    }

    /** The smallest whole millisecond not before {@code t}; clamps far-off instants to what a long of milliseconds holds. */
    static long ceilMillis(Instant t) {
        try {
            long ms = t.toEpochMilli();
            return t.getNano() % 1_000_000 == 0 ? ms : ms + 1;
        } catch (ArithmeticException e) {
            return t.isBefore(Instant.EPOCH) ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
    }
}

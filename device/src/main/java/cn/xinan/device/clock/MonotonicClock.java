package cn.xinan.device.clock;

import java.time.Clock;

/**
 * Time that only moves forward at a steady rate and is never set (Linux CLOCK_MONOTONIC through
 * {@link System#nanoTime()}); it starts again at every boot, so it only orders what happened in one run.
 */
@FunctionalInterface
public interface MonotonicClock {
    /** Milliseconds on this run's monotonic time line. */
    long millis();

    MonotonicClock SYSTEM = () -> System.nanoTime() / 1_000_000L;

    /** A simulated clock is its own monotonic time: it never jumps. */
    static MonotonicClock of(Clock clock) {
        return clock::millis;
    }
}

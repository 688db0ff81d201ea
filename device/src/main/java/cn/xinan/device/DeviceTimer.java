package cn.xinan.device;

import cn.xinan.device.clock.MonotonicClock;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The device's one timer thread (on a Pi and with {@code --simulate}; a {@code SimulatedClock} needs none):
 * it wakes at the next deadline the device names (a heartbeat, the end of a debounce or hold) and, with a
 * status LED, every blink half-period. It remembers when it last ticked, for the watchdog.
 */
final class DeviceTimer {
    private final ScheduledExecutorService executor;
    private final Clock clock;
    private final MonotonicClock monotonic;
    private final Supplier<Instant> nextDeadline;
    private final Runnable tick;
    private ScheduledFuture<?> next; // guarded by this
    private volatile long lastTickMonotonicMillis;

    /**
     * @param nextDeadline the next time something is due (read under the caller's lock by {@link #reschedule})
     * @param tick         what runs at a deadline
     */
    DeviceTimer(String deviceId, Clock clock, MonotonicClock monotonic, Supplier<Instant> nextDeadline, Runnable tick) {
        this.clock = clock;
        this.monotonic = monotonic;
        this.nextDeadline = nextDeadline;
        this.tick = tick;
        this.lastTickMonotonicMillis = monotonic.millis();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("xinan-timer-" + deviceId).unstarted(r));
    }

    /** Also runs {@code task} every {@code period} (the status LED's blink). */
    void every(Duration period, Runnable task) {
        executor.scheduleAtFixedRate(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Wakes at the next deadline (replacing the one scheduled before). */
    synchronized void reschedule() {
        long millis = Math.max(0, Duration.between(clock.instant(), nextDeadline.get()).toMillis());
        if (next != null) {
            next.cancel(false);
        }
        next = executor.schedule(() -> {
            lastTickMonotonicMillis = monotonic.millis();
            tick.run();
        }, millis, TimeUnit.MILLISECONDS);
    }

    /** Monotonic milliseconds since the timer last ticked (or started). */
    long millisSinceLastTick() {
        return monotonic.millis() - lastTickMonotonicMillis;
    }

    void stop() {
        executor.shutdownNow();
    }
}

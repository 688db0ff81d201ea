package cn.xinan.collector;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A task run on a daemon thread of its own, after a first delay and then with a fixed delay between runs, until
 * {@link #close()}: the background passes of {@code DerivedResults}, {@code FiguresWriter} and {@code WarningService}.
 * The task catches and logs its own failures (an exception would end the schedule).
 */
public final class PeriodicTask implements AutoCloseable {
    private final ScheduledExecutorService scheduler;

    private PeriodicTask(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    /**
     * Starts thread {@code threadName}: {@code once} right away (null: nothing), then {@code every} after
     * {@code firstDelay} and every {@code interval} after the end of the run before.
     */
    public static PeriodicTask start(String threadName, Runnable once, Runnable every, Duration firstDelay,
                                     Duration interval) {
        Objects.requireNonNull(every, "every is missing");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException(threadName + ": the interval must be positive, was " + interval);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
        });
        if (once != null) {
            scheduler.execute(once);
        }
        scheduler.scheduleWithFixedDelay(every, firstDelay.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return new PeriodicTask(scheduler);
    }

    /** Stops the schedule: a run in progress is interrupted and waited for (10 s at most). */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

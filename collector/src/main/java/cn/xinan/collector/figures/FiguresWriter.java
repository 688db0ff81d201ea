package cn.xinan.collector.figures;

import cn.xinan.collector.PeriodicTask;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.WeekResult;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the derived figures of every registered room for the dashboards: once at start, then every
 * {@code figures.interval-seconds}, the days and weeks of the current ISO week and the {@code figures.weeks-back}
 * weeks before it, computed by the {@link VerdictService} from the day summaries derived from the stored events (the
 * only truth, docs/rules.md §6: the figures are caches, recomputed and overwritten on every run, so late events count at
 * the next run).
 *
 * <p>A run that fails (InfluxDB down, a read or a write refused) is logged as a warning and changes nothing else: the
 * next run retries. It runs on its own thread, never on the ingest's.
 */
public final class FiguresWriter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(FiguresWriter.class.getName());

    private final VerdictService verdicts;
    private final Registry registry;
    private final FiguresSink sink;
    private final FiguresSettings settings;
    private final Clock clock;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private PeriodicTask task;

    public FiguresWriter(VerdictService verdicts, Registry registry, FiguresSink sink, FiguresSettings settings,
                         Clock clock) {
        this.verdicts = Objects.requireNonNull(verdicts, "verdicts are missing");
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.sink = Objects.requireNonNull(sink, "sink is missing");
        this.settings = Objects.requireNonNull(settings, "settings are missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    /** The days written by a run at {@code today}: Monday of the earliest week to today. */
    public record Period(LocalDate from, LocalDate today) {
    }

    /** The period a run at this clock's now covers. */
    public Period period() {
        LocalDate today = LocalDate.now(clock.withZone(RulesEngine.ZONE));
        return new Period(WeekResult.mondayOf(today).minusWeeks(settings.weeksBack()), today);
    }

    /**
     * Computes and writes the figures now, on the caller's thread.
     *
     * @return the period written
     * @throws RuntimeException when reading the events or writing the figures fails
     */
    public Period runOnce() {
        Period period = period();
        List<RoomRecord> rooms = registry.rooms();
        // whole weeks: every day of the current week is computed, days after today are not written
        LocalDate to = WeekResult.mondayOf(period.today()).plusDays(6);
        List<RoomReport> reports = verdicts.rooms(List.of(), period.from(), to);
        sink.write(rooms, reports, period.today());
        return period;
    }

    /** Runs now and then every {@code figures.interval-seconds} on a daemon thread, until {@link #close()}. */
    public synchronized FiguresWriter start() {
        if (!settings.enabled()) {
            throw new IllegalStateException("figures are disabled (figures.interval-seconds = 0)");
        }
        if (task != null) {
            throw new IllegalStateException("figures writer already started");
        }
        task = PeriodicTask.start("xinan-figures", null, this::runLogged, Duration.ZERO,
                Duration.ofSeconds(settings.intervalSeconds()));
        return this;
    }

    /** One scheduled run: never throws, so the schedule goes on. */
    void runLogged() {
        try {
            Period p = runOnce();
            runs.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "figures written for " + registry.rooms().size() + " rooms, "
                    + p.from() + " to " + p.today());
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "derived figures not written (retried in "
                    + settings.intervalSeconds() + " s): " + e.getMessage(), e);
        }
    }

    /** Scheduled runs that wrote their figures. */
    public long successfulRuns() {
        return runs.get();
    }

    /** Scheduled runs that failed (each logged as a warning). */
    public long failedRuns() {
        return failures.get();
    }

    public FiguresSettings settings() {
        return settings;
    }

    /** Stops the schedule; a run in progress is interrupted between InfluxDB calls at the latest. */
    @Override
    public synchronized void close() {
        if (task != null) {
            task.close();
            task = null;
        }
    }
}

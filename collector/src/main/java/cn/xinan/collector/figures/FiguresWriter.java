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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the derived figures of every registered room for the dashboards: once at start, then every
 * {@code figures.interval-seconds}, the days and weeks of the current ISO week and the {@code figures.weeks-back}
 * weeks before it, computed by the {@link VerdictService} from the day summaries derived from the stored events (the
 * only truth, docs/rules.md §6: the figures are caches, recomputed and overwritten on every run, so late events count at
 * the next run). With each school's weeks it records their basis ({@link VerdictService#weekBasis}: the rule settings
 * and the school's calendar days), and at every run it rewrites the figures of any older week whose basis changed
 * since (a calendar day, a rule setting), for that school's rooms only ({@link #rewriteChangedWeeks}).
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
        Map<SchoolWeek, String> bases = new HashMap<>();
        for (String school : bySchool(rooms).keySet()) {
            for (LocalDate monday = period.from(); monday.isBefore(to); monday = monday.plusWeeks(1)) {
                bases.put(new SchoolWeek(school, monday), verdicts.weekBasis(school, monday));
            }
        }
        sink.writeBases(bases);
        rewriteChangedWeeks(period);
        return period;
    }

    /**
     * Rewrites the figures of the weeks before {@code period} whose basis changed since they were written (a calendar
     * day or a rule setting changed: {@link VerdictService#weekBasis}), for the rooms of the schools it changed for,
     * then records the new basis. Weeks whose basis is unchanged are not touched. Every replica may do it: the
     * figures and the basis are written with their key, so writing them twice changes nothing, and a run stopped
     * between the figures and the basis rewrites that week again at the next run.
     *
     * @return the Mondays of the weeks rewritten, in order
     * @throws IllegalStateException naming the weeks that could not be rewritten (after trying every other one); they
     *                               keep their old basis and are tried again at the next run
     */
    List<LocalDate> rewriteChangedWeeks(Period period) {
        TreeMap<LocalDate, Map<SchoolWeek, String>> changed = new TreeMap<>();
        for (Map.Entry<SchoolWeek, String> stored : sink.bases().entrySet()) {
            SchoolWeek week = stored.getKey();
            if (!week.monday().isBefore(period.from())) {
                continue;
            }
            String now = verdicts.weekBasis(week.school(), week.monday());
            if (!now.equals(stored.getValue())) {
                changed.computeIfAbsent(week.monday(), m -> new HashMap<>()).put(week, now);
            }
        }
        if (changed.isEmpty()) {
            return List.of();
        }
        Map<String, List<RoomRecord>> bySchool = bySchool(registry.rooms());
        List<LocalDate> rewritten = new ArrayList<>();
        List<LocalDate> failed = new ArrayList<>();
        RuntimeException firstFailure = null;
        for (Map.Entry<LocalDate, Map<SchoolWeek, String>> week : changed.entrySet()) {
            LocalDate monday = week.getKey();
            List<RoomRecord> rooms = new ArrayList<>();
            for (SchoolWeek sw : week.getValue().keySet()) {
                rooms.addAll(bySchool.getOrDefault(sw.school(), List.of()));
            }
            try {
                if (!rooms.isEmpty()) {
                    List<RoomReport> reports = verdicts.rooms(rooms.stream().map(RoomRecord::roomId).toList(), monday,
                            monday.plusDays(6));
                    sink.write(rooms, reports, period.today());
                }
                sink.writeBases(week.getValue());
                rewritten.add(monday);
            } catch (RuntimeException e) {
                failed.add(monday);
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (!rewritten.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, () -> "figures rewritten after a calendar or settings change for the weeks"
                    + " of " + rewritten);
        }
        if (firstFailure != null) {
            throw new IllegalStateException("figures of the weeks of " + failed + " not rewritten after a calendar or"
                    + " settings change: " + firstFailure.getMessage(), firstFailure);
        }
        return rewritten;
    }

    private static Map<String, List<RoomRecord>> bySchool(List<RoomRecord> rooms) {
        Map<String, List<RoomRecord>> out = new TreeMap<>();
        for (RoomRecord r : rooms) {
            out.computeIfAbsent(r.school(), s -> new ArrayList<>()).add(r);
        }
        return out;
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

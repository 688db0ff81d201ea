package cn.xinan.collector.verdict;

import cn.xinan.collector.store.DerivedStore.DirtyDay;
import cn.xinan.collector.store.DerivedStore.RoomDay;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.event.DeviceEvent;
import cn.xinan.rules.CarriedState;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the day summaries of the store ({@link cn.xinan.collector.store.DerivedStore}) up to date with its events
 * (docs/scale.md): the days that appends marked are recomputed from the stored events, from the last midnight at
 * which the room was closed (nothing before it can change) until a closed midnight whose carried state is the one
 * stored before (nothing after it changes) or the end of the room's events. So a late event recomputes its day and,
 * when the room was open across midnight, the days of that interval; an unattended stretch that crosses midnight is
 * accounted on both days as soon as its end is stored.
 *
 * <p>Safe with several collector replicas on one store: a recomputation is a function of the stored events and is
 * written with the key (room, day), so any replica may do it and writing it twice changes nothing; the room's event
 * count is read before the events and again after the write, and the room is recomputed again when it changed, so a
 * summary computed before another replica's append never stays the last one written.
 */
public final class DerivedResults implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DerivedResults.class.getName());
    /** Recomputations of one room in a row whose input changed meanwhile, before leaving it marked for the next pass. */
    private static final int MAX_ATTEMPTS = 5;

    private final EventStore store;
    private final RulesEngine engine;
    private final Object lock = new Object();
    private ScheduledExecutorService scheduler;

    public DerivedResults(EventStore store, RuleSettings settings) {
        this.store = Objects.requireNonNull(store, "store is missing");
        this.engine = new RulesEngine(Objects.requireNonNull(settings, "settings are missing"));
    }

    public RuleSettings settings() {
        return engine.settings();
    }

    public EventStore store() {
        return store;
    }

    /**
     * Recomputes the marked days of these rooms (every room when empty), on the caller's thread.
     *
     * @return the rooms recomputed
     */
    public int refresh(Collection<String> rooms) {
        List<DirtyDay> dirty = store.dirtyDays(rooms);
        if (dirty.isEmpty()) {
            return 0;
        }
        Map<String, List<DirtyDay>> byRoom = new TreeMap<>();
        for (DirtyDay d : dirty) {
            byRoom.computeIfAbsent(d.day().room(), r -> new ArrayList<>()).add(d);
        }
        for (Map.Entry<String, List<DirtyDay>> room : byRoom.entrySet()) {
            LocalDate first = LocalDate.MAX;
            LocalDate last = LocalDate.MIN;
            for (DirtyDay d : room.getValue()) {
                first = d.day().day().isBefore(first) ? d.day().day() : first;
                last = d.day().day().isAfter(last) ? d.day().day() : last;
            }
            // one room at a time: a request waits for at most one room of a long background pass
            synchronized (lock) {
                if (recompute(room.getKey(), first, last)) {
                    store.clearDirty(room.getValue());
                }
            }
        }
        return byRoom.size();
    }

    /**
     * Recomputes the summaries a change of the room's events on the days {@code first..last} can affect.
     *
     * @return false when the room's events kept changing during {@value #MAX_ATTEMPTS} attempts (it stays marked)
     */
    boolean recompute(String room, LocalDate first, LocalDate last) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            // back to a midnight at which the room was closed: the days before it cannot change
            LocalDate from = first;
            CarriedState start;
            while (true) {
                CarriedState carried = store.lastSummaryOnOrBefore(room, from.minusDays(1))
                        .map(DaySummary::end).orElse(CarriedState.INITIAL);
                if (!carried.open()) {
                    start = carried;
                    break;
                }
                LocalDate opened = LocalDate.ofInstant(Instant.ofEpochMilli(carried.openSinceMs()), RulesEngine.ZONE);
                if (!opened.isBefore(from)) {
                    throw new IllegalStateException("summary of room " + room + " before " + from
                            + " carries an interval opened on " + opened);
                }
                from = opened;
            }
            LocalDate to = last.isBefore(from) ? from : last;
            Instant startAt = midnight(from);
            long before = store.eventCount(room, startAt, midnight(to.plusDays(1)));
            List<DaySummary> days;
            while (true) {
                days = engine.summarize(start, events(room, startAt, midnight(to.plusDays(1))), from, to);
                CarriedState end = days.get(days.size() - 1).end();
                if (!end.open()) {
                    CarriedState stored = store.lastSummaryOnOrBefore(room, to).map(DaySummary::end)
                            .orElse(CarriedState.INITIAL);
                    if (stored.equals(end)) {
                        break; // the days after `to` start from the same state as before: they stay as stored
                    }
                }
                if (!store.hasEventsFrom(room, midnight(to.plusDays(1)))) {
                    // end of the room's events: rewrite any day stored after it (it carried the old state)
                    Optional<LocalDate> lastStored = store.lastSummaryDate(room);
                    if (lastStored.isEmpty() || !lastStored.get().isAfter(to)) {
                        break;
                    }
                    to = lastStored.get();
                } else {
                    to = to.plusDays(Math.max(7, days.size()));
                }
                before = store.eventCount(room, startAt, midnight(to.plusDays(1)));
            }
            store.writeSummaries(room, days);
            if (store.eventCount(room, startAt, midnight(to.plusDays(1))) == before) {
                return true;
            }
            // another writer appended to these days while they were computed: compute them again
        }
        LOG.log(System.Logger.Level.WARNING, "summaries of room " + room + " from " + first + " kept changing while"
                + " recomputed; left for the next pass");
        return false;
    }

    private List<DeviceEvent> events(String room, Instant from, Instant to) {
        List<StoredEvent> stored = store.eventsForRoom(room, from, to);
        List<DeviceEvent> events = new ArrayList<>(stored.size());
        for (StoredEvent s : stored) {
            events.add(s.event());
        }
        return events;
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(RulesEngine.ZONE).toInstant();
    }

    /**
     * Marks for recomputation every day of {@code from..to} whose summary does not match the stored events: a day
     * with events but no summary or a summary of another event count (a collector stopped between storing and
     * deriving, or another replica's appends), or a summary computed with another unattended gap (a settings change).
     *
     * @return the days marked
     */
    public int reconcile(LocalDate from, LocalDate to) {
        Map<RoomDay, Long> counts = store.eventCountsByDay(from, to);
        Set<RoomDay> stale = new HashSet<>();
        Set<RoomDay> summarised = new HashSet<>();
        for (Map.Entry<String, List<DaySummary>> room : store.summaries(List.of(), from, to).entrySet()) {
            for (DaySummary d : room.getValue()) {
                RoomDay key = new RoomDay(room.getKey(), d.date());
                summarised.add(key);
                if (d.unattendedGapSeconds() != engine.settings().unattendedGapSeconds()
                        || d.events() != counts.getOrDefault(key, 0L)) {
                    stale.add(key);
                }
            }
        }
        for (RoomDay day : counts.keySet()) {
            if (!summarised.contains(day)) {
                stale.add(day);
            }
        }
        store.markDirty(stale);
        return stale.size();
    }

    /**
     * On a daemon thread: reconciles {@code from..to} once, then recomputes the marked days of every room every
     * {@code interval}, until {@link #close()}. A failed pass is logged and retried at the next.
     */
    public synchronized DerivedResults start(Duration interval, LocalDate reconcileFrom, LocalDate reconcileTo) {
        if (scheduler != null) {
            throw new IllegalStateException("derived results already started");
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xinan-derive");
            t.setDaemon(true);
            return t;
        });
        scheduler.execute(() -> {
            try {
                int marked = reconcile(reconcileFrom, reconcileTo);
                LOG.log(System.Logger.Level.INFO, () -> "derived results reconciled from " + reconcileFrom + " to "
                        + reconcileTo + ": " + marked + " room-days to recompute");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "derived results not reconciled: " + e.getMessage(), e);
            }
        });
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                refresh(List.of());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "derived results not brought up to date (retried in "
                        + interval.toMillis() + " ms): " + e.getMessage(), e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }
}

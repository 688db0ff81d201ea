package cn.xinan.collector.verdict;

import cn.xinan.collector.PeriodicTask;
import cn.xinan.collector.store.AliveDay;
import cn.xinan.collector.store.DerivedStore;
import cn.xinan.collector.store.DerivedStore.DirtyDay;
import cn.xinan.collector.store.DerivedStore.RoomDay;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.SeqDay;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.EventKind;
import cn.xinan.rules.CarriedState;
import cn.xinan.rules.DaySummary;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Keeps the day summaries of the store ({@link cn.xinan.collector.store.DerivedStore}) up to date with its events
 * (docs/scale.md): the days that appends marked are recomputed, from the last midnight at which the room was closed
 * (nothing before it can change) until a closed midnight whose carried state is the one stored before (nothing after
 * it changes) or the end of the room's events. So a late event recomputes its day and, when the room was open across
 * midnight, the days of that interval; an unattended stretch that crosses midnight is accounted on both days as soon
 * as its end is stored. A recomputation reads the events other than heartbeats and the days' alive spans
 * ({@link AliveDay}); the spans of the marked days are first rebuilt from their raw heartbeats, and their
 * sequence-number records ({@link SeqDay}) from those heartbeats and the other events, before their marks are cleared.
 *
 * <p>Safe with several collector replicas on one store: a recomputation is a function of the stored events and is
 * written with the key (room, day), so any replica may do it and writing it twice changes nothing; the room's event
 * count is read before the events and again after the write, and the stored spans it used are read again, and the
 * room is recomputed again when either changed, so a summary computed before another replica's append never stays
 * the last one written. The marks are durable in both stores, so a collector stopped before deriving leaves them to
 * the next start; {@link #reconcileSettings()} recomputes what a change of the unattended gap touches.
 */
public final class DerivedResults implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DerivedResults.class.getName());
    /** Recomputations of one room in a row whose input changed meanwhile, before leaving it marked for the next pass. */
    private static final int MAX_ATTEMPTS = 5;
    /** Background passes between two readings of the marks other processes left on the store. */
    static final int RELOAD_MARKS_EVERY = 150;

    private final EventStore store;
    private final RulesEngine engine;
    private final Object lock = new Object();
    private PeriodicTask task;
    private volatile RebuiltDay rebuiltDay = (room, day, events) -> {
    };

    /**
     * Told of every local day a recomputation rebuilds from its raw events, with all of them (any order): the collector
     * writes the day's evidence segment (docs/audit.md, "Evidence segments"), so a late event that changes a day changes
     * its segment too. Called on the deriving thread; a failure is logged and does not stop the derivation.
     */
    @FunctionalInterface
    public interface RebuiltDay {
        void rebuilt(String room, LocalDate day, List<StoredEvent> events);
    }

    /** Sets what is told of each day rebuilt from its raw events (nothing by default); returns this. */
    public DerivedResults onRebuiltDay(RebuiltDay listener) {
        this.rebuiltDay = Objects.requireNonNull(listener, "listener is missing");
        return this;
    }

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
            Set<LocalDate> changed = new TreeSet<>();
            for (DirtyDay d : room.getValue()) {
                changed.add(d.day().day());
            }
            // one room at a time: a request waits for at most one room of a long background pass
            synchronized (lock) {
                if (recompute(room.getKey(), changed)) {
                    store.clearDirty(room.getValue());
                }
            }
        }
        return byRoom.size();
    }

    /**
     * Recomputes the summaries a change of the room's events on the days {@code changed} can affect: the alive spans
     * of those days from their raw heartbeats, the summaries from the events other than heartbeats and the alive spans.
     *
     * @return false when the room's events kept changing during {@value #MAX_ATTEMPTS} attempts (it stays marked)
     */
    public boolean recompute(String room, Set<LocalDate> changed) {
        if (changed.isEmpty()) {
            throw new IllegalArgumentException("no day of room " + room + " to recompute");
        }
        return recompute(room, Collections.min(changed), Collections.max(changed), changed);
    }

    /**
     * Recomputes the summaries of the days {@code first..last} and those a change there can affect, with the alive
     * spans of the days {@code rebuild} (and of any day without stored spans) rebuilt from the raw heartbeats and the
     * stored spans of the others.
     *
     * @return false when the room's events kept changing during {@value #MAX_ATTEMPTS} attempts
     */
    public boolean recompute(String room, LocalDate first, LocalDate last, Set<LocalDate> rebuild) {
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
            Input input = new Input(room, from, rebuild);
            List<DaySummary> days;
            while (true) {
                days = input.summarize(start, to);
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
            // the spans first: summaries are never newer than the spans they were computed from
            store.writeSeqDays(room, input.seqDays());
            store.writeAliveDays(room, input.rebuilt());
            store.writeSummaries(room, days);
            if (store.eventCount(room, startAt, midnight(to.plusDays(1))) == before && input.storedSpansUnchanged()) {
                return true;
            }
            // another writer appended to these days (or rewrote their spans) while they were computed: again
        }
        LOG.log(System.Logger.Level.WARNING, "summaries of room " + room + " from " + first + " kept changing while"
                + " recomputed; left for the next pass");
        return false;
    }

    /**
     * What one recomputation of a room reads, from its first day on, extended day by day as it goes further: the
     * events other than heartbeats, and per day the alive spans (stored, or rebuilt from the raw heartbeats for the
     * days to rebuild and any day without stored spans). Fed to the engine as the events, with the heartbeats of
     * each span replaced by its first and last (all the engine takes from them, docs/scale.md "Alive spans") except
     * for a span a boot falls in, whose raw heartbeats are read.
     */
    private final class Input {
        private final String room;
        private final LocalDate from;
        private final Set<LocalDate> rebuild;
        private final List<DeviceEvent> events = new ArrayList<>();
        private final Map<LocalDate, AliveDay> alive = new HashMap<>();
        private final Map<LocalDate, AliveDay> stored = new HashMap<>();
        private final List<AliveDay> rebuilt = new ArrayList<>();
        private final List<SeqDay> seqDays = new ArrayList<>();
        private LocalDate loadedTo;

        Input(String room, LocalDate from, Set<LocalDate> rebuild) {
            this.room = room;
            this.from = from;
            this.rebuild = rebuild;
            this.loadedTo = from.minusDays(1);
        }

        List<AliveDay> rebuilt() {
            return rebuilt;
        }

        /** The sequence-number records of the days rebuilt from their raw events. */
        List<SeqDay> seqDays() {
            return seqDays;
        }

        /** Whether the stored spans this computation used are still the stored ones (no other replica rewrote them). */
        boolean storedSpansUnchanged() {
            if (stored.isEmpty()) {
                return true;
            }
            Map<LocalDate, AliveDay> now = store.aliveDays(room, from, loadedTo);
            for (Map.Entry<LocalDate, AliveDay> used : stored.entrySet()) {
                if (!used.getValue().equals(now.get(used.getKey()))) {
                    return false;
                }
            }
            return true;
        }

        private void load(LocalDate to) {
            if (!to.isAfter(loadedTo)) {
                return;
            }
            LocalDate a = loadedTo.plusDays(1);
            List<StoredEvent> beside = store.eventsBesideHeartbeats(room, midnight(a), midnight(to.plusDays(1)));
            for (StoredEvent e : beside) {
                events.add(e.event());
            }
            Map<LocalDate, AliveDay> read = store.aliveDays(room, a, to);
            LocalDate runStart = null;
            for (LocalDate d = a; !d.isAfter(to); d = d.plusDays(1)) {
                AliveDay day = read.get(d);
                boolean fromRaw = day == null || rebuild.contains(d);
                if (!fromRaw) {
                    alive.put(d, day);
                    stored.put(d, day);
                }
                if (fromRaw && runStart == null) {
                    runStart = d;
                }
                if (runStart != null && (!fromRaw || d.equals(to))) {
                    rebuildFromRaw(runStart, fromRaw ? d : d.minusDays(1), beside);
                    runStart = null;
                }
            }
            loadedTo = to;
        }

        /**
         * The alive days {@code a..b} from the room's raw heartbeats (one read for the run of days), and the days'
         * sequence-number records from those heartbeats and the other events ({@code beside}, of these days or more).
         */
        private void rebuildFromRaw(LocalDate a, LocalDate b, List<StoredEvent> beside) {
            Map<LocalDate, List<DeviceEvent>> byDay = new HashMap<>();
            List<StoredEvent> all = new ArrayList<>(store.heartbeats(room, midnight(a), midnight(b.plusDays(1))));
            for (StoredEvent e : all) {
                byDay.computeIfAbsent(LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE), d -> new ArrayList<>())
                        .add(e.event());
            }
            for (StoredEvent e : beside) {
                if (!e.event().at().isBefore(midnight(a)) && e.event().at().isBefore(midnight(b.plusDays(1)))) {
                    all.add(e);
                }
            }
            seqDays.addAll(SeqDay.of(all));
            Map<LocalDate, List<StoredEvent>> events = new TreeMap<>();
            for (StoredEvent e : all) {
                events.computeIfAbsent(LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE), d -> new ArrayList<>()).add(e);
            }
            RebuiltDay listener = rebuiltDay;
            events.forEach((day, ofDay) -> {
                try {
                    listener.rebuilt(room, day, ofDay);
                } catch (RuntimeException x) {
                    LOG.log(System.Logger.Level.WARNING, "room " + room + " on " + day + ": " + x.getMessage());
                }
            });
            for (LocalDate d = a; !d.isAfter(b); d = d.plusDays(1)) {
                AliveDay day = AliveDay.of(d, byDay.getOrDefault(d, List.of()));
                alive.put(d, day);
                rebuilt.add(day);
            }
        }

        List<DaySummary> summarize(CarriedState start, LocalDate to) {
            load(to);
            List<Long> boots = new ArrayList<>();
            for (DeviceEvent e : events) {
                if (e.kind() == EventKind.BOOT && e.clockSynced() && !e.at().isBefore(midnight(from))
                        && e.at().isBefore(midnight(to.plusDays(1)))) {
                    boots.add(e.at().toEpochMilli());
                }
            }
            Collections.sort(boots);
            List<DeviceEvent> input = new ArrayList<>(events);
            int dayCount = (int) ChronoUnit.DAYS.between(from, to) + 1;
            int[] fed = new int[dayCount];
            for (int i = 0; i < dayCount; i++) {
                for (AliveDay.Span span : alive.get(from.plusDays(i)).spans()) {
                    if (bootWithin(boots, span)) {
                        // the engine needs the last heartbeat before the boot: the span's own heartbeats
                        for (StoredEvent e : store.heartbeats(room, Instant.ofEpochMilli(span.firstMs()),
                                Instant.ofEpochMilli(span.lastMs() + 1))) {
                            if (e.event().clockSynced()) {
                                input.add(e.event());
                                fed[i]++;
                            }
                        }
                    } else {
                        input.add(spanEnd(span.firstMs(), span, "f"));
                        fed[i]++;
                        if (span.lastMs() != span.firstMs()) {
                            input.add(spanEnd(span.lastMs(), span, "l"));
                            fed[i]++;
                        }
                    }
                }
            }
            List<DaySummary> computed = engine.summarize(start, input, from, to);
            List<DaySummary> out = new ArrayList<>(computed.size());
            for (int i = 0; i < computed.size(); i++) {
                DaySummary d = computed.get(i);
                AliveDay a = alive.get(d.date());
                out.add(new DaySummary(d.date(), d.openMillis(), d.unattendedMillis(), d.checkins(), d.alive(),
                        d.unsyncedEvents() + a.unsynced(), d.events() - fed[i] + a.heartbeats(),
                        d.unattendedGapSeconds(), d.end()));
            }
            return out;
        }

        private static boolean bootWithin(List<Long> sortedBoots, AliveDay.Span span) {
            int i = Collections.binarySearch(sortedBoots, span.firstMs());
            int at = i >= 0 ? i : -i - 1;
            return at < sortedBoots.size() && span.covers(sortedBoots.get(at));
        }

        /** A heartbeat standing for the first or last of a span; its id is unique to the span and end. */
        private static DeviceEvent spanEnd(long atMs, AliveDay.Span span, String which) {
            return new DeviceEvent("alive:" + span.firstMs() + ":" + span.lastMs() + ":" + which, "alive-span", 1,
                    Instant.ofEpochMilli(atMs), true, new EventBody.Heartbeat());
        }
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
     * What the stored summaries depend on besides the events: the unattended gap (docs/rules.md §3). The calendar, the
     * tier, the thresholds and the week policy are applied when a verdict is asked for, so a change of any of them
     * needs no recomputation.
     */
    public String fingerprint() {
        return "unattended-gap-seconds=" + engine.settings().unattendedGapSeconds();
    }

    /**
     * Brings every stored summary in line with this collector's settings when they changed since the summaries were
     * computed (the fingerprint stored beside them differs): every day of every room computed with another unattended
     * gap whose raw events are still kept is recomputed, from the stored alive spans (they do not depend on the gap),
     * and the new fingerprint is stored once all of them are. A collector stopped half-way does the rest at its next
     * start. Days before a room's earliest stored event (its raw events are past their retention) cannot be
     * recomputed: they keep their gap, and a verdict over them is refused naming the day.
     *
     * @return the room-days recomputed
     */
    public int reconcileSettings() {
        String fingerprint = fingerprint();
        if (store.derivedFingerprint().filter(fingerprint::equals).isPresent()) {
            return 0;
        }
        List<DerivedStore.RoomDay> other = store.summariesWithOtherGap(engine.settings().unattendedGapSeconds());
        Map<String, List<LocalDate>> byRoom = new TreeMap<>();
        LocalDate min = LocalDate.MAX;
        LocalDate max = LocalDate.MIN;
        for (DerivedStore.RoomDay d : other) {
            byRoom.computeIfAbsent(d.room(), r -> new ArrayList<>()).add(d.day());
            min = d.day().isBefore(min) ? d.day() : min;
            max = d.day().isAfter(max) ? d.day() : max;
        }
        Map<String, LocalDate> firstStored = new HashMap<>();
        if (!other.isEmpty()) {
            for (DerivedStore.RoomDay d : store.eventCountsByDay(min, max).keySet()) {
                firstStored.merge(d.room(), d.day(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        boolean all = true;
        int recomputed = 0;
        int kept = 0;
        for (Map.Entry<String, List<LocalDate>> room : byRoom.entrySet()) {
            LocalDate first = firstStored.get(room.getKey());
            List<LocalDate> days = first == null ? List.of()
                    : room.getValue().stream().filter(d -> !d.isBefore(first)).toList();
            kept += room.getValue().size() - days.size();
            if (days.isEmpty()) {
                continue;
            }
            synchronized (lock) {
                all &= recompute(room.getKey(), Collections.min(days), Collections.max(days), Set.of());
            }
            recomputed += days.size();
        }
        if (kept > 0) {
            int n = kept;
            LOG.log(System.Logger.Level.WARNING, () -> n + " room-days computed with another unattended gap have no raw"
                    + " events left (past their retention) and keep it");
        }
        if (all) {
            store.writeDerivedFingerprint(fingerprint);
        }
        return recomputed;
    }

    /**
     * On a daemon thread: brings the summaries in line with the settings ({@link #reconcileSettings()}) and reconciles
     * {@code from..to} once, then recomputes the marked days of every room every {@code interval}, reading the marks
     * other processes left on the store ({@link cn.xinan.collector.store.DerivedStore#reloadMarks()}) every
     * {@link #RELOAD_MARKS_EVERY} passes, until {@link #close()}. A failed pass is logged and retried at the next.
     */
    public synchronized DerivedResults start(Duration interval, LocalDate reconcileFrom, LocalDate reconcileTo) {
        if (task != null) {
            throw new IllegalStateException("derived results already started");
        }
        int[] passes = {0};
        task = PeriodicTask.start("xinan-derive", () -> {
            try {
                int recomputed = reconcileSettings();
                LOG.log(System.Logger.Level.INFO, () -> "derived results in line with " + fingerprint() + ": "
                        + recomputed + " room-days recomputed");
                int marked = reconcile(reconcileFrom, reconcileTo);
                LOG.log(System.Logger.Level.INFO, () -> "derived results reconciled from " + reconcileFrom + " to "
                        + reconcileTo + ": " + marked + " room-days to recompute");
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "derived results not reconciled: " + e.getMessage(), e);
            }
        }, () -> {
            try {
                if (++passes[0] % RELOAD_MARKS_EVERY == 0) {
                    store.reloadMarks();
                }
                refresh(List.of());
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "derived results not brought up to date (retried in "
                        + interval.toMillis() + " ms): " + e.getMessage(), e);
            }
        }, interval, interval);
        return this;
    }

    @Override
    public synchronized void close() {
        if (task != null) {
            task.close();
            task = null;
        }
    }
}

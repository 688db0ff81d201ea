package cn.xinan.rules;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.rules.calendar.SchoolCalendar;

import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Turns one room's device events into daily and weekly verdicts, exactly as {@code docs/rules.md} says.
 * Stateless apart from its settings, so one engine may serve many threads.
 *
 * <p>How events become time (docs/rules.md §2–3, and the decisions taken where it is silent):
 * <ul>
 *   <li>Events are put in the order (at, deviceId, seq) whatever order they come in; an event id seen twice
 *       counts once. Events recorded with an unsynchronised clock are left out and counted
 *       ({@link RoomReport#excludedUnsyncedEvents()}). A room's events may come from several devices over
 *       time (a replaced device): they form one stream.</li>
 *   <li>A room is open from a staff open to the next staff close. An open while open and a close while
 *       closed change no interval but are presence evidence.</li>
 *   <li>A boot ends an open interval at the last sign of life before it (the latest accounted event of any
 *       kind, heartbeats included); after a boot the room is closed and presence vacant. At the end of the
 *       events an open interval ends at the last sign of life: the engine never extends an interval past
 *       the last event it has.</li>
 *   <li>Presence evidence is the occupied periods of the sensor and the instant of every check-in and
 *       staff action. An unattended stretch is a maximal part of an open interval without presence evidence
 *       lasting at least {@link RuleSettings#unattendedGapSeconds()} (1,800 s is unattended, 1,799 s is
 *       not), found on the whole interval before the split into days.</li>
 *   <li>Days are local {@code [00:00, 24:00)} in {@link #ZONE}; weeks are ISO, Monday to Sunday.</li>
 * </ul>
 *
 * <p>Cost: one sort (linear when the events already come in order) and one pass over the events without
 * allocation per event; per-day figures are accumulated in arrays.
 */
public final class RulesEngine {
    /** The time zone of every day and week boundary (docs/rules.md §1). */
    public static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    /** The order events are accounted in: (at, deviceId, seq), then event id so that any input sorts alike. */
    public static final Comparator<DeviceEvent> EVENT_ORDER = RulesEngine::compareEvents;

    /** Longest period one call evaluates: about ten years, which keeps the per-day arrays small. */
    private static final long MAX_DAYS = 3_700;

    private final RuleSettings settings;

    /** An engine that applies {@code settings}. */
    public RulesEngine(RuleSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings is missing");
    }

    /** The settings every report of this engine is computed with. */
    public RuleSettings settings() {
        return settings;
    }

    /**
     * Evaluates one room.
     *
     * @param roomId   the room id, copied to the report
     * @param tier     the room's tier, which chooses the thresholds
     * @param events   all the room's events the caller has, in any order, duplicates allowed; events outside
     *                 the period still matter (an interval opened before it, the rest of a touched week)
     * @param calendar the room's school calendar
     * @param from     first local date reported
     * @param to       last local date reported (inclusive)
     * @return days for every date {@code from..to}, weeks for every ISO week touching them (each over its
     *         full seven days)
     */
    public RoomReport evaluate(String roomId, Tier tier, Collection<DeviceEvent> events, SchoolCalendar calendar,
                               LocalDate from, LocalDate to) {
        Objects.requireNonNull(events, "events is missing");
        checkRequest(tier, calendar, from, to);

        DeviceEvent[] sorted = sortedCopy(events);
        int[] excluded = new int[1];
        DeviceEvent[] accounted = distinctSynchronised(sorted, excluded);

        LocalDate firstMonday = WeekResult.mondayOf(from);
        int dayCount = (int) ChronoUnit.DAYS.between(firstMonday, WeekResult.mondayOf(to).plusDays(7));
        DayGrid grid = new DayGrid(firstMonday, dayCount, ZONE);
        Sweep sweep = new Sweep(grid, settings.unattendedGapSeconds() * 1000L);
        sweep.run(accounted);

        return report(roomId, tier, calendar, grid, sweep, from, to, excluded[0]);
    }

    /**
     * Per-day summaries of one room for the days {@code from..to}, continuing from the state carried over
     * {@code from}'s midnight (docs/rules-engine.md, "Day summaries"). The result equals what {@link #evaluate} finds
     * for those days on all the room's events when {@code start} is the state the room really had at {@code from}'s
     * midnight, {@code events} holds every event of the room with a time in those days, and the last day's end state
     * is closed or no event of the room comes after {@code to} (an interval still open at the end of the events is
     * ended at the last event, as {@link #evaluate} does).
     *
     * @param start the carried state; must be closed (a day that starts closed does not depend on the days before it
     *              except for the presence last reported)
     * @param events the room's events in any order, duplicates allowed; events outside the days are ignored
     * @return one summary per day {@code from..to}, in date order
     */
    public List<DaySummary> summarize(CarriedState start, Collection<DeviceEvent> events, LocalDate from,
                                      LocalDate to) {
        Objects.requireNonNull(start, "start state is missing");
        Objects.requireNonNull(events, "events is missing");
        Objects.requireNonNull(from, "from is missing");
        Objects.requireNonNull(to, "to is missing");
        if (start.open()) {
            throw new IllegalArgumentException("a summary must start from a closed state, was " + start);
        }
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("period from " + from + " to " + to + " ends before it starts");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new IllegalArgumentException("period from " + from + " to " + to + " is longer than "
                    + MAX_DAYS + " days");
        }
        int dayCount = (int) ChronoUnit.DAYS.between(from, to) + 1;
        DayGrid grid = new DayGrid(from, dayCount, ZONE);
        long gridStart = grid.boundaries[0];
        long gridEnd = grid.boundaries[dayCount];
        List<DeviceEvent> inside = new ArrayList<>(events.size());
        for (DeviceEvent e : events) {
            long at = Objects.requireNonNull(e, "events contains null").at().toEpochMilli();
            if (at >= gridStart && at < gridEnd) {
                inside.add(e);
            }
        }
        DeviceEvent[] sorted = sortedCopy(inside);
        int[] distinct = new int[dayCount];
        int[] unsynced = new int[dayCount];
        java.util.Set<String> seen = new java.util.HashSet<>(sorted.length * 2);
        int day = 0;
        for (DeviceEvent e : sorted) {
            if (!seen.add(e.eventId())) {
                continue;
            }
            long at = e.at().toEpochMilli();
            while (at >= grid.boundaries[day + 1]) {
                day++;
            }
            distinct[day]++;
            if (!e.clockSynced()) {
                unsynced[day]++;
            }
        }
        DeviceEvent[] accounted = distinctSynchronised(sorted, new int[1]);
        Sweep sweep = new Sweep(grid, settings.unattendedGapSeconds() * 1000L);
        sweep.start(start);
        sweep.endStates = new CarriedState[dayCount];
        sweep.run(accounted);
        List<DaySummary> out = new ArrayList<>(dayCount);
        for (int i = 0; i < dayCount; i++) {
            out.add(new DaySummary(grid.date(i), sweep.openMillis[i], sweep.unattendedMillis[i], sweep.checkins[i],
                    sweep.alive[i], unsynced[i], distinct[i], settings.unattendedGapSeconds(), sweep.endStates[i]));
        }
        return out;
    }

    /**
     * Evaluates one room from its day summaries instead of its events: the same report {@link #evaluate} gives on all
     * the room's events, when the summaries are exact (see {@link #summarize}). A day without a summary had no event
     * and no open time. {@link RoomReport#excludedUnsyncedEvents()} counts the unsynchronised events of the reported
     * weeks.
     *
     * @param days the room's summaries, at least those of every day of the weeks touching {@code from..to}; others
     *             are ignored
     * @throws IllegalArgumentException when a summary was computed with another unattended gap than this engine's,
     *                                  or a date is given twice
     */
    public RoomReport evaluateSummaries(String roomId, Tier tier, Collection<DaySummary> days,
                                        SchoolCalendar calendar, LocalDate from, LocalDate to) {
        Objects.requireNonNull(days, "days is missing");
        checkRequest(tier, calendar, from, to);
        LocalDate firstMonday = WeekResult.mondayOf(from);
        int dayCount = (int) ChronoUnit.DAYS.between(firstMonday, WeekResult.mondayOf(to).plusDays(7));
        long[] openMillis = new long[dayCount];
        long[] unattendedMillis = new long[dayCount];
        int[] checkins = new int[dayCount];
        boolean[] alive = new boolean[dayCount];
        boolean[] given = new boolean[dayCount];
        int excluded = 0;
        for (DaySummary d : days) {
            long i = ChronoUnit.DAYS.between(firstMonday, Objects.requireNonNull(d, "days contains null").date());
            if (i < 0 || i >= dayCount) {
                continue;
            }
            if (d.unattendedGapSeconds() != settings.unattendedGapSeconds()) {
                throw new IllegalArgumentException("the summary of " + d.date() + " was computed with an unattended gap of "
                        + d.unattendedGapSeconds() + " s, this engine uses " + settings.unattendedGapSeconds() + " s");
            }
            int k = (int) i;
            if (given[k]) {
                throw new IllegalArgumentException("the summary of " + d.date() + " is given twice");
            }
            given[k] = true;
            openMillis[k] = d.openMillis();
            unattendedMillis[k] = d.unattendedMillis();
            checkins[k] = d.checkins();
            alive[k] = d.alive();
            excluded += d.unsyncedEvents();
        }
        return report(roomId, tier, calendar, firstMonday, openMillis, unattendedMillis, checkins, alive, from, to,
                excluded);
    }

    /** {@link #EVENT_ORDER} written out: it runs once per event even on sorted input. */
    private static int compareEvents(DeviceEvent x, DeviceEvent y) {
        int c = x.at().compareTo(y.at());
        if (c != 0) {
            return c;
        }
        c = x.deviceId().compareTo(y.deviceId());
        if (c != 0) {
            return c;
        }
        c = Long.compare(x.seq(), y.seq());
        return c != 0 ? c : x.eventId().compareTo(y.eventId());
    }

    /**
     * The events in {@link #EVENT_ORDER}. Input that already comes in order (the usual case) costs one
     * pass; otherwise the events are sorted on packed primitive keys (milliseconds and position), and only
     * runs within the same millisecond are ordered with the full comparator.
     */
    static DeviceEvent[] sortedCopy(Collection<DeviceEvent> events) {
        DeviceEvent[] a = events.toArray(new DeviceEvent[0]);
        boolean sorted = true;
        for (int i = 0; i < a.length; i++) {
            Objects.requireNonNull(a[i], "events contains null");
            if (sorted && i > 0 && EVENT_ORDER.compare(a[i - 1], a[i]) > 0) {
                sorted = false;
            }
        }
        if (sorted) {
            return a;
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        try {
            for (DeviceEvent event : a) {
                long millis = event.at().toEpochMilli();
                min = Math.min(min, millis);
                max = Math.max(max, millis);
            }
        } catch (ArithmeticException farOutside) {
            Arrays.sort(a, EVENT_ORDER);
            return a;
        }
        int indexBits = Math.max(1, 64 - Long.numberOfLeadingZeros(a.length - 1L));
        int timeBits = 64 - Long.numberOfLeadingZeros(max - min);
        if (max - min < 0 || timeBits + indexBits > 63) {
            Arrays.sort(a, EVENT_ORDER);
            return a;
        }
        long[] keys = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            keys[i] = ((a[i].at().toEpochMilli() - min) << indexBits) | i;
        }
        Arrays.sort(keys);
        long indexMask = (1L << indexBits) - 1;
        DeviceEvent[] out = new DeviceEvent[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[(int) (keys[i] & indexMask)];
        }
        for (int start = 0; start < out.length; ) {
            int end = start + 1;
            while (end < out.length && keys[end] >>> indexBits == keys[start] >>> indexBits) {
                end++;
            }
            if (end - start > 1) {
                Arrays.sort(out, start, end, EVENT_ORDER);
            }
            start = end;
        }
        return out;
    }

    /**
     * Keeps the first occurrence of every event id (in {@link #EVENT_ORDER}) among events recorded with a
     * synchronised clock; counts the distinct unsynchronised ones in {@code excluded[0]}. An open-addressing
     * table of positions avoids allocating per event.
     */
    private static DeviceEvent[] distinctSynchronised(DeviceEvent[] sorted, int[] excluded) {
        int capacity = Integer.highestOneBit(Math.max(8, sorted.length * 2 - 1)) << 1;
        int mask = capacity - 1;
        int[] table = new int[capacity]; // position + 1 of the first event with an id hashing here, 0 = free
        DeviceEvent[] kept = new DeviceEvent[sorted.length];
        int n = 0;
        int unsynced = 0;
        for (int i = 0; i < sorted.length; i++) {
            DeviceEvent event = sorted[i];
            String id = event.eventId();
            int hash = id.hashCode();
            int slot = (hash ^ (hash >>> 16)) & mask;
            boolean duplicate = false;
            for (int found; (found = table[slot]) != 0; slot = (slot + 1) & mask) {
                if (sorted[found - 1].eventId().equals(id)) {
                    duplicate = true;
                    break;
                }
            }
            if (duplicate) {
                continue;
            }
            table[slot] = i + 1;
            if (event.clockSynced()) {
                kept[n++] = event;
            } else {
                unsynced++;
            }
        }
        excluded[0] = unsynced;
        return n == kept.length ? kept : Arrays.copyOf(kept, n);
    }

    private RoomReport report(String roomId, Tier tier, SchoolCalendar calendar, DayGrid grid, Sweep sweep,
                              LocalDate from, LocalDate to, int excluded) {
        return report(roomId, tier, calendar, grid.date(0), sweep.openMillis, sweep.unattendedMillis, sweep.checkins,
                sweep.alive, from, to, excluded);
    }

    /**
     * Verdicts from per-day figures of whole weeks: index 0 is the Monday {@code firstMonday}, the arrays cover whole
     * weeks up to the Sunday of {@code to}'s week.
     */
    private RoomReport report(String roomId, Tier tier, SchoolCalendar calendar, LocalDate firstMonday,
                              long[] openMillis, long[] unattendedMillis, int[] checkins, boolean[] alive,
                              LocalDate from, LocalDate to, int excluded) {
        Thresholds thresholds = settings.thresholdsFor(tier);
        int days = openMillis.length;
        boolean[] schoolDay = new boolean[days];
        long[] attendedSeconds = new long[days];
        long[] openSeconds = new long[days];
        for (int i = 0; i < days; i++) {
            schoolDay[i] = calendar.isSchoolDay(firstMonday.plusDays(i));
            openSeconds[i] = Math.floorDiv(openMillis[i], 1000L);
            attendedSeconds[i] = Math.floorDiv(openMillis[i] - unattendedMillis[i], 1000L);
        }

        int firstReported = (int) ChronoUnit.DAYS.between(firstMonday, from);
        int lastReported = (int) ChronoUnit.DAYS.between(firstMonday, to);
        List<DayResult> dayResults = new ArrayList<>(lastReported - firstReported + 1);
        for (int i = firstReported; i <= lastReported; i++) {
            Verdict verdict;
            if (!schoolDay[i]) {
                verdict = Verdict.NOT_REQUIRED;
            } else if (!alive[i]) {
                verdict = Verdict.NO_DATA;
            } else {
                verdict = attendedSeconds[i] >= thresholds.dailySeconds() ? Verdict.MET : Verdict.NOT_MET;
            }
            dayResults.add(new DayResult(firstMonday.plusDays(i), schoolDay[i], openSeconds[i], attendedSeconds[i],
                    checkins[i], verdict));
        }

        List<WeekResult> weekResults = new ArrayList<>(days / 7);
        for (int monday = 0; monday < days; monday += 7) {
            int schoolDays = 0;
            long attended = 0;
            boolean aliveInWeek = false;
            for (int i = monday; i < monday + 7; i++) {
                schoolDays += schoolDay[i] ? 1 : 0;
                attended += attendedSeconds[i];
                aliveInWeek |= alive[i];
            }
            WeekPolicy policy = settings.weekPolicy();
            long required = policy.requiredSeconds(thresholds.weeklySeconds(), schoolDays);
            Verdict verdict;
            if (!policy.assesses(schoolDays)) {
                verdict = Verdict.NOT_REQUIRED;
            } else if (!aliveInWeek) {
                verdict = Verdict.NO_DATA;
            } else {
                verdict = attended >= required ? Verdict.MET : Verdict.NOT_MET;
            }
            weekResults.add(new WeekResult(WeekResult.isoWeekOf(firstMonday.plusDays(monday)), schoolDays, required, attended,
                    verdict));
        }
        return new RoomReport(roomId, tier, dayResults, weekResults, excluded, settings);
    }

    /** Local days as half-open ranges of epoch milliseconds. */
    static final class DayGrid {
        private final LocalDate first;
        private final long[] boundaries;

        DayGrid(LocalDate first, int dayCount, ZoneId zone) {
            this.first = first;
            this.boundaries = new long[dayCount + 1];
            for (int i = 0; i <= dayCount; i++) {
                boundaries[i] = first.plusDays(i).atStartOfDay(zone).toInstant().toEpochMilli();
            }
        }

        int dayCount() {
            return boundaries.length - 1;
        }

        LocalDate date(int index) {
            return first.plusDays(index);
        }

        /** Adds the part of {@code [start, end)} that falls in each day to {@code perDay}. */
        void addSpan(long start, long end, long[] perDay) {
            long from = Math.max(start, boundaries[0]);
            long to = Math.min(end, boundaries[boundaries.length - 1]);
            if (from >= to) {
                return;
            }
            int i = Arrays.binarySearch(boundaries, from);
            i = i >= 0 ? i : -i - 2;
            for (; i < boundaries.length - 1 && boundaries[i] < to; i++) {
                perDay[i] += Math.min(to, boundaries[i + 1]) - Math.max(from, boundaries[i]);
            }
        }
    }

    /**
     * One pass over the sorted, accounted events: the state machine of docs/rules.md §2–3. Open intervals and
     * unattended stretches are added to the per-day totals as soon as they end.
     */
    static final class Sweep {
        private final DayGrid grid;
        private final long gapMillis;
        final long[] openMillis;
        final long[] unattendedMillis;
        final boolean[] alive;
        final int[] checkins;

        /** When set, the state at each day's midnight is recorded here (for {@link #summarize}). */
        CarriedState[] endStates;

        private boolean open;
        private long openSince;
        private long lastSignOfLife = Long.MIN_VALUE;
        private boolean occupied;
        /** Start of the current stretch without presence evidence; meaningful while open and not occupied. */
        private long vacantSince;

        Sweep(DayGrid grid, long gapMillis) {
            this.grid = grid;
            this.gapMillis = gapMillis;
            int days = grid.dayCount();
            this.openMillis = new long[days];
            this.unattendedMillis = new long[days];
            this.alive = new boolean[days];
            this.checkins = new int[days];
        }

        /** Continues from a state carried over the grid's first midnight instead of the initial one. */
        void start(CarriedState state) {
            open = state.open();
            openSince = state.openSinceMs();
            occupied = state.occupied();
            vacantSince = state.vacantSinceMs();
            lastSignOfLife = state.open() ? state.lastSignOfLifeMs() : Long.MIN_VALUE;
        }

        private CarriedState state() {
            return open ? new CarriedState(true, openSince, occupied, occupied ? 0 : vacantSince, lastSignOfLife)
                    : CarriedState.closed(occupied);
        }

        void run(DeviceEvent[] events) {
            long[] bounds = grid.boundaries;
            int days = grid.dayCount();
            int day = -1; // index of the day holding the current event; -1 before the grid, days after it
            for (DeviceEvent event : events) {
                long at = event.at().toEpochMilli();
                while (day < days && (day < 0 ? at >= bounds[0] : at >= bounds[day + 1])) {
                    if (endStates != null && day >= 0) {
                        endStates[day] = state();
                    }
                    day++;
                }
                boolean inGrid = day >= 0 && day < days;
                if (inGrid) {
                    alive[day] = true;
                }
                switch (event.body()) {
                    case EventBody.Heartbeat heartbeat -> {
                        // A sign of life only.
                    }
                    case EventBody.Boot boot -> {
                        if (open) {
                            endInterval(lastSignOfLife);
                        }
                        occupied = false;
                    }
                    case EventBody.StaffOpen staffOpen -> {
                        if (open) {
                            evidenceAt(at);
                        } else {
                            open = true;
                            openSince = at;
                            vacantSince = at;
                        }
                    }
                    case EventBody.StaffClose staffClose -> {
                        if (open) {
                            endInterval(at);
                        }
                    }
                    case EventBody.Presence presence -> {
                        if (presence.occupied() && !occupied) {
                            if (open) {
                                vacancyEndsAt(at);
                            }
                            occupied = true;
                        } else if (!presence.occupied() && occupied) {
                            occupied = false;
                            vacantSince = at;
                        }
                    }
                    case EventBody.CheckIn checkIn -> {
                        if (inGrid) {
                            checkins[day]++;
                        }
                        if (open) {
                            evidenceAt(at);
                        }
                    }
                }
                lastSignOfLife = at;
            }
            if (endStates != null) {
                CarriedState last = state();
                for (int i = Math.max(day, 0); i < days; i++) {
                    endStates[i] = last;
                }
            }
            if (open) {
                endInterval(lastSignOfLife);
            }
        }

        /** An instant of presence evidence inside an open interval ends the current vacancy. */
        private void evidenceAt(long at) {
            if (!occupied) {
                vacancyEndsAt(at);
                vacantSince = at;
            }
        }

        private void vacancyEndsAt(long at) {
            if (at - vacantSince >= gapMillis) {
                grid.addSpan(vacantSince, at, unattendedMillis);
            }
        }

        private void endInterval(long end) {
            if (!occupied) {
                vacancyEndsAt(end);
            }
            grid.addSpan(openSince, end, openMillis);
            open = false;
        }
    }

    /** What {@link #evaluate} and {@link #evaluateSummaries} both require of a request. */
    private static void checkRequest(Tier tier, SchoolCalendar calendar, LocalDate from, LocalDate to) {
        Objects.requireNonNull(tier, "tier is missing");
        Objects.requireNonNull(calendar, "calendar is missing");
        Objects.requireNonNull(from, "from is missing");
        Objects.requireNonNull(to, "to is missing");
        if (to.isBefore(from)) {
            throw new IllegalArgumentException("period from " + from + " to " + to + " ends before it starts");
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw new IllegalArgumentException("period from " + from + " to " + to + " is longer than "
                    + MAX_DAYS + " days");
        }
    }
}

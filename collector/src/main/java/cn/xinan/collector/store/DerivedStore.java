package cn.xinan.collector.store;

import cn.xinan.rules.DaySummary;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The derived results beside the events (docs/scale.md): one {@link DaySummary} and one {@link AliveDay} (the day's
 * heartbeats as alive spans) per room and local day, one {@link SeqDay} (a device's sequence numbers and latest receipt)
 * per room, device and local day, the days whose events changed since they were written (marks
 * that survive a restart), and the settings they were computed with. Summaries are caches of the events: written with a
 * deterministic key (room, day), so writing the same summary again, from any collector replica, changes nothing,
 * and the events stay the only truth (docs/rules.md §6). {@link cn.xinan.collector.verdict.DerivedResults} keeps them up
 * to date.
 *
 * <p>Every method is thread-safe; failures are {@link StoreException}s.
 */
public interface DerivedStore {
    /** One room's local day. */
    record RoomDay(String room, LocalDate day) {
        public RoomDay {
            if (room == null || room.isBlank()) {
                throw new IllegalArgumentException("room is missing");
            }
            java.util.Objects.requireNonNull(day, "day is missing");
        }
    }

    /**
     * A day whose events changed since its summary was written, with the mark's version: clearing it clears only that
     * version, so an append that marks the day again while it is being recomputed is not lost.
     */
    record DirtyDay(RoomDay day, long version) {
    }

    /**
     * Days marked by appends of new events (InfluxDB: and of redelivered ones) and by {@link #markDirty}, and not
     * cleared since; the marks survive a restart.
     *
     * @param rooms the rooms to look at; empty for all
     */
    List<DirtyDay> dirtyDays(Collection<String> rooms);

    /** Marks days to be recomputed (a reconciliation found their summary out of date); durable when it returns. */
    void markDirty(Collection<RoomDay> days);

    /**
     * Makes the marks other processes wrote on this store (another replica, a collector stopped before deriving what
     * it stored) visible to {@link #dirtyDays}: where a store keeps its own marks in memory besides the durable ones,
     * it reads the durable ones again.
     */
    void reloadMarks();

    /** Clears these marks, each only if it was not marked again since it was read. */
    void clearDirty(Collection<DirtyDay> days);

    /** Writes (replaces) the summaries of one room; durable when it returns. */
    void writeSummaries(String room, List<DaySummary> days);

    /** The summaries of these rooms (all rooms when empty) for the days {@code from..to}, each room's in date order. */
    Map<String, List<DaySummary>> summaries(Collection<String> rooms, LocalDate from, LocalDate to);

    /** The latest summary of a room dated {@code day} or earlier. */
    Optional<DaySummary> lastSummaryOnOrBefore(String room, LocalDate day);

    /** The date of a room's latest summary. */
    Optional<LocalDate> lastSummaryDate(String room);

    /**
     * The stored events of a room other than heartbeats with a device time in {@code [from, to)}, in the order of
     * {@link EventStore#eventsForRoom}: with the {@link AliveDay}s, what a recomputation reads.
     */
    List<StoredEvent> eventsBesideHeartbeats(String room, Instant from, Instant to);

    /** The stored heartbeats of a room with a device time in {@code [from, to)}, in the order of {@link EventStore#eventsForRoom}. */
    List<StoredEvent> heartbeats(String room, Instant from, Instant to);

    /**
     * {@code read} of each of {@code rooms}, room by room: every room asked for is a key, once, in the order of
     * {@code rooms}. The default of every read over several rooms.
     */
    static <V> Map<String, V> eachRoom(Collection<String> rooms, java.util.function.Function<String, V> read) {
        Map<String, V> out = new java.util.LinkedHashMap<>();
        for (String room : rooms) {
            out.computeIfAbsent(room, read);
        }
        return out;
    }

    /**
     * {@link #eventsBesideHeartbeats(String, Instant, Instant)} of each of {@code rooms}: every room asked for is a key
     * (a room without such events maps to an empty list), in the order of {@code rooms}. What an audit reads for a scope
     * of rooms; this default asks room by room, the InfluxDB store a few rooms per query (each query is a round trip).
     */
    default Map<String, List<StoredEvent>> eventsBesideHeartbeats(Collection<String> rooms, Instant from, Instant to) {
        return eachRoom(rooms, r -> eventsBesideHeartbeats(r, from, to));
    }

    /**
     * Per room of {@code rooms} (every room a key, in their order), the distinct device times (epoch ms, ascending) of its
     * stored events other than heartbeats with a device time in {@code [from, to)} that were recorded with a synchronised
     * clock: all an audit takes from those events for its signs of life (docs/audit.md, "Device offline"). This default
     * reads the events ({@link #eventsBesideHeartbeats(Collection, Instant, Instant)}); the InfluxDB store reads only
     * their times.
     */
    default Map<String, long[]> syncedTimesBesideHeartbeats(Collection<String> rooms, Instant from, Instant to) {
        Map<String, long[]> out = new java.util.LinkedHashMap<>();
        eventsBesideHeartbeats(rooms, from, to).forEach((room, events) -> out.put(room, events.stream()
                .filter(e -> e.event().clockSynced()).mapToLong(e -> e.event().at().toEpochMilli()).distinct().sorted()
                .toArray()));
        return out;
    }

    /**
     * {@link #heartbeats(String, Instant, Instant)} of each of {@code rooms}, every room a key, as
     * {@link #eventsBesideHeartbeats(Collection, Instant, Instant)} gives them.
     */
    default Map<String, List<StoredEvent>> heartbeats(Collection<String> rooms, Instant from, Instant to) {
        return eachRoom(rooms, r -> heartbeats(r, from, to));
    }

    /**
     * One device's stored events with consecutive sequence numbers {@code first..last} (each number once, however often
     * it is stored).
     */
    record SeqRun(String device, long first, long last) {
        public SeqRun {
            java.util.Objects.requireNonNull(device, "device is missing");
            if (last < first) {
                throw new IllegalArgumentException("run of " + device + " ends at " + last + ", before " + first);
            }
        }
    }

    /**
     * The sequence numbers of a room's stored events with a device time in {@code [from, to)}, as runs ordered by device
     * and first number: what an audit lists as the events behind its figures (docs/audit.md). This default reads the
     * events; the stores read their {@link SeqDay}s instead ({@link SeqDayReads}).
     */
    default List<SeqRun> sequenceRuns(String room, Instant from, Instant to) {
        return SeqDayReads.runsOf(heartbeats(room, from, to), eventsBesideHeartbeats(room, from, to));
    }

    /**
     * {@link #sequenceRuns(String, Instant, Instant)} of each of {@code rooms}: every room asked for is a key (a room
     * without events maps to an empty list), in the order of {@code rooms}. This default asks room by room; the InfluxDB
     * store reads the records and marks of a few rooms per query.
     */
    default Map<String, List<SeqRun>> sequenceRuns(Collection<String> rooms, Instant from, Instant to) {
        return eachRoom(rooms, r -> sequenceRuns(r, from, to));
    }

    /**
     * The stored events of a room with a device time in {@code [from, to)} received more than {@code after} after the end
     * of their local day (Asia/Shanghai), in the order of {@link EventStore#eventsForRoom}: the candidates for an audit's
     * late events (docs/audit.md). This default reads the events; the stores read their {@link SeqDay}s instead and the raw
     * events only of the days a record says were received that late ({@link SeqDayReads}).
     */
    default List<StoredEvent> eventsReceivedAfterTheirDay(String room, Instant from, Instant to, java.time.Duration after) {
        return SeqDayReads.lateOf(heartbeats(room, from, to), eventsBesideHeartbeats(room, from, to), after);
    }

    /**
     * {@link #eventsReceivedAfterTheirDay(String, Instant, Instant, java.time.Duration)} of each of {@code rooms}: every
     * room asked for is a key (a room without such events maps to an empty list), in the order of {@code rooms}. This
     * default asks room by room; the InfluxDB store reads the records and marks of a few rooms per query.
     */
    default Map<String, List<StoredEvent>> eventsReceivedAfterTheirDay(Collection<String> rooms, Instant from, Instant to,
                                                                        java.time.Duration after) {
        return eachRoom(rooms, r -> eventsReceivedAfterTheirDay(r, from, to, after));
    }

    /** Writes (replaces) the alive days of one room, keyed by room and day; durable when it returns. */
    void writeAliveDays(String room, List<AliveDay> days);

    /** The stored alive days of a room for the days {@code from..to}; a day never written is left out. */
    Map<LocalDate, AliveDay> aliveDays(String room, LocalDate from, LocalDate to);

    /**
     * {@link #aliveDays(String, LocalDate, LocalDate)} of each of {@code rooms}: every room asked for is a key (a room
     * without stored days maps to an empty map), in the order of {@code rooms}. This default asks room by room; the
     * InfluxDB store a few rooms per query.
     */
    default Map<String, Map<LocalDate, AliveDay>> aliveDays(Collection<String> rooms, LocalDate from, LocalDate to) {
        return eachRoom(rooms, r -> aliveDays(r, from, to));
    }

    /**
     * Writes (replaces) the sequence-number records of one room, keyed by room, device and day; durable when it returns.
     * {@link cn.xinan.collector.verdict.DerivedResults} writes them for every day it rebuilds from the raw events, before
     * the day's mark is cleared.
     */
    void writeSeqDays(String room, List<SeqDay> days);

    /** The stored sequence-number records of a room for the days {@code from..to}, by device and day. */
    List<SeqDay> seqDays(String room, LocalDate from, LocalDate to);

    /**
     * {@link #seqDays(String, LocalDate, LocalDate)} of each of {@code rooms}: every room asked for is a key, in the order
     * of {@code rooms}. This default asks room by room; the InfluxDB store a few rooms per query.
     */
    default Map<String, List<SeqDay>> seqDays(Collection<String> rooms, LocalDate from, LocalDate to) {
        return eachRoom(rooms, r -> seqDays(r, from, to));
    }

    /**
     * {@link #markedDays(String, LocalDate, LocalDate)} of each of {@code rooms}: every room asked for is a key, in the
     * order of {@code rooms}. This default asks room by room; the InfluxDB store a few rooms per query.
     */
    default Map<String, java.util.Set<LocalDate>> markedDays(Collection<String> rooms, LocalDate from, LocalDate to) {
        return eachRoom(rooms, r -> markedDays(r, from, to));
    }

    /**
     * The days {@code from..to} of a room that are marked (appended to since derived, or never derived), as {@link
     * SeqDayReads} reads them: their {@link SeqDay}s may be out of date. This default reads {@link #dirtyDays}.
     */
    default java.util.Set<LocalDate> markedDays(String room, LocalDate from, LocalDate to) {
        java.util.Set<LocalDate> out = new java.util.TreeSet<>();
        for (DirtyDay d : dirtyDays(List.of(room))) {
            if (d.day().room().equals(room) && !d.day().day().isBefore(from) && !d.day().day().isAfter(to)) {
                out.add(d.day().day());
            }
        }
        return out;
    }

    /** The days of every room whose summary was computed with another unattended gap than {@code gapSeconds}. */
    List<RoomDay> summariesWithOtherGap(long gapSeconds);

    /** The fingerprint of the settings the stored summaries were last brought in line with; empty before the first. */
    Optional<String> derivedFingerprint();

    /** Records the fingerprint of the settings the stored summaries are now computed with. */
    void writeDerivedFingerprint(String fingerprint);

    /** Distinct stored events of a room with a device time in {@code [from, to)}: only grows as events are appended. */
    long eventCount(String room, Instant from, Instant to);

    /** Whether the room has any stored event with a device time at or after {@code from}. */
    boolean hasEventsFrom(String room, Instant from);

    /** Distinct stored events per room and local day (Asia/Shanghai) for the days {@code from..to}; days without any are left out. */
    Map<RoomDay, Long> eventCountsByDay(LocalDate from, LocalDate to);
}

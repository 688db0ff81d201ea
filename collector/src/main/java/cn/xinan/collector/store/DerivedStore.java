package cn.xinan.collector.store;

import cn.xinan.rules.DaySummary;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The derived results beside the events (docs/scale.md): one {@link DaySummary} per room and local day, and the
 * days whose events changed since their summary was written. Summaries are caches of the events: written with a
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
     * Days marked by appends of new events (and by {@link #markDirty}) and not cleared since.
     *
     * @param rooms the rooms to look at; empty for all
     */
    List<DirtyDay> dirtyDays(Collection<String> rooms);

    /** Marks days to be recomputed (a reconciliation found their summary out of date). */
    void markDirty(Collection<RoomDay> days);

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

    /** Distinct stored events of a room with a device time in {@code [from, to)}: only grows as events are appended. */
    long eventCount(String room, Instant from, Instant to);

    /** Whether the room has any stored event with a device time at or after {@code from}. */
    boolean hasEventsFrom(String room, Instant from);

    /** Distinct stored events per room and local day (Asia/Shanghai) for the days {@code from..to}; days without any are left out. */
    Map<RoomDay, Long> eventCountsByDay(LocalDate from, LocalDate to);
}

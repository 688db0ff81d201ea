package cn.xinan.collector.store;

import cn.xinan.collector.store.DerivedStore.SeqRun;
import cn.xinan.rules.RulesEngine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link DerivedStore#sequenceRuns} and {@link DerivedStore#eventsReceivedAfterTheirDay} from the stored {@link SeqDay}s,
 * for the stores that keep them: the whole local days of the range that are not marked (their record was derived after
 * their last append) come from the records; the marked days (appended to since, or never derived) and the parts of a day
 * at either end of the range come from the raw events. So the answer equals the raw events' at any time, and a room
 * whose days are all derived costs two small reads, whatever its number of events. For several rooms at once (an
 * audit's scope) the records and the marks of all of them are asked for together, and the raw reads of the rooms that
 * need the same range are too: a store that answers several rooms per query ({@link Source}'s methods over rooms) makes
 * a scope cost a few queries, not a few per room.
 */
public final class SeqDayReads {
    /** Outside these years a range is read from the raw events (no local day arithmetic near the ends of time). */
    private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2300-01-01T00:00:00Z");

    /**
     * What a store gives: its records, its marks, and the same answers from its raw events. The methods over several
     * rooms return every room asked for as a key; their defaults ask room by room.
     */
    public interface Source {
        /** The stored records of a room for the days {@code from..to}. */
        List<SeqDay> seqDays(String room, LocalDate from, LocalDate to);

        /** The days {@code from..to} of a room that are marked (changed since derived), as the store keeps them durably. */
        Set<LocalDate> markedDays(String room, LocalDate from, LocalDate to);

        /** {@link DerivedStore#sequenceRuns} from the raw events. */
        List<SeqRun> rawRuns(String room, Instant from, Instant to);

        /** {@link DerivedStore#eventsReceivedAfterTheirDay} from the raw events. */
        List<StoredEvent> rawLate(String room, Instant from, Instant to, Duration after);

        /** {@link #seqDays(String, LocalDate, LocalDate)} of each room. */
        default Map<String, List<SeqDay>> seqDays(Collection<String> rooms, LocalDate from, LocalDate to) {
            return DerivedStore.eachRoom(rooms, r -> seqDays(r, from, to));
        }

        /** {@link #markedDays(String, LocalDate, LocalDate)} of each room. */
        default Map<String, Set<LocalDate>> markedDays(Collection<String> rooms, LocalDate from, LocalDate to) {
            return DerivedStore.eachRoom(rooms, r -> markedDays(r, from, to));
        }

        /** {@link #rawRuns(String, Instant, Instant)} of each room. */
        default Map<String, List<SeqRun>> rawRuns(Collection<String> rooms, Instant from, Instant to) {
            return DerivedStore.eachRoom(rooms, r -> rawRuns(r, from, to));
        }

        /** {@link #rawLate(String, Instant, Instant, Duration)} of each room. */
        default Map<String, List<StoredEvent>> rawLate(Collection<String> rooms, Instant from, Instant to, Duration after) {
            return DerivedStore.eachRoom(rooms, r -> rawLate(r, from, to, after));
        }
    }

    private SeqDayReads() {
    }

    /** The runs of a room's sequence numbers in {@code [from, to)}, equal to {@link Source#rawRuns}'s. */
    public static List<SeqRun> sequenceRuns(Source source, String room, Instant from, Instant to) {
        return sequenceRuns(source, List.of(room), from, to).get(room);
    }

    /**
     * The runs of each room's sequence numbers in {@code [from, to)}, every room a key, equal to
     * {@link Source#rawRuns}'s: the records and marks of all the rooms read at once, the raw ranges of the rooms that
     * share them at once.
     */
    public static Map<String, List<SeqRun>> sequenceRuns(Source source, Collection<String> rooms, Instant from, Instant to) {
        List<String> wanted = distinct(rooms);
        Map<String, Plan> plans = Plan.of(source, wanted, from, to);
        if (plans == null) {
            return complete(wanted, source.rawRuns(wanted, from, to));
        }
        Map<String, List<SeqRun>> all = new LinkedHashMap<>();
        for (String room : wanted) {
            List<SeqRun> runs = new ArrayList<>();
            for (SeqDay d : plans.get(room).derived()) {
                for (SeqDay.Run r : d.runs()) {
                    runs.add(new SeqRun(d.device(), r.first(), r.last()));
                }
            }
            all.put(room, runs);
        }
        Map<String, List<Instant[]>> raw = new LinkedHashMap<>();
        plans.forEach((room, plan) -> raw.put(room, plan.raw()));
        byRange(raw).forEach((range, together) ->
                source.rawRuns(together, range.get(0), range.get(1)).forEach((room, runs) -> all.get(room).addAll(runs)));
        Map<String, List<SeqRun>> out = new LinkedHashMap<>();
        all.forEach((room, runs) -> out.put(room, merged(runs)));
        return out;
    }

    /** Runs sorted by device and first number, overlapping or adjacent ones of a device joined. */
    private static List<SeqRun> merged(List<SeqRun> all) {
        all.sort(Comparator.comparing(SeqRun::device).thenComparingLong(SeqRun::first));
        List<SeqRun> out = new ArrayList<>();
        for (SeqRun r : all) {
            SeqRun last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last.device().equals(r.device()) && r.first() <= last.last() + 1) {
                out.set(out.size() - 1, new SeqRun(r.device(), last.first(), Math.max(last.last(), r.last())));
            } else {
                out.add(r);
            }
        }
        return out;
    }

    /**
     * The events of a room in {@code [from, to)} received more than {@code after} after the end of their local day, equal
     * to {@link Source#rawLate}'s: the raw events are read only for the days whose record says one of them was received
     * that late, for the marked days and for the parts of a day at the ends of the range.
     */
    public static List<StoredEvent> eventsReceivedAfterTheirDay(Source source, String room, Instant from, Instant to,
                                                                Duration after) {
        return eventsReceivedAfterTheirDay(source, List.of(room), from, to, after).get(room);
    }

    /**
     * {@link #eventsReceivedAfterTheirDay(Source, String, Instant, Instant, Duration)} of each room, every room a key: the
     * records and marks of all the rooms read at once, the raw ranges of the rooms that share them (the same late day, the
     * same marked days) at once.
     */
    public static Map<String, List<StoredEvent>> eventsReceivedAfterTheirDay(Source source, Collection<String> rooms,
                                                                             Instant from, Instant to, Duration after) {
        List<String> wanted = distinct(rooms);
        Map<String, Plan> plans = Plan.of(source, wanted, from, to);
        if (plans == null) {
            return complete(wanted, source.rawLate(wanted, from, to, after));
        }
        Map<String, List<Instant[]>> raw = new LinkedHashMap<>();
        plans.forEach((room, plan) -> {
            Map<LocalDate, Long> lastReceived = new HashMap<>();
            for (SeqDay d : plan.derived()) {
                lastReceived.merge(d.day(), d.lastReceivedMs(), Math::max);
            }
            List<Instant[]> ranges = new ArrayList<>(plan.raw());
            lastReceived.forEach((day, received) -> {
                if (received > midnight(day.plusDays(1)).plus(after).toEpochMilli()) {
                    ranges.add(new Instant[]{midnight(day), midnight(day.plusDays(1))});
                }
            });
            raw.put(room, ranges);
        });
        Map<String, List<StoredEvent>> out = new LinkedHashMap<>();
        for (String room : wanted) {
            out.put(room, new ArrayList<>());
        }
        byRange(raw).forEach((range, together) -> source.rawLate(together, range.get(0), range.get(1), after)
                .forEach((room, late) -> out.get(room).addAll(late)));
        for (List<StoredEvent> late : out.values()) {
            late.sort(STORE_ORDER);
        }
        return out;
    }

    /** {@link EventStore#eventsForRoom}'s order: device time, then device, then sequence number. */
    private static final Comparator<StoredEvent> STORE_ORDER = Comparator.comparing((StoredEvent e) -> e.event().at())
            .thenComparing(e -> e.event().deviceId()).thenComparingLong(e -> e.event().seq());

    /**
     * The runs of sequence numbers of a room's raw events (its heartbeats and the others), per device ordered by first
     * number: {@link DerivedStore#sequenceRuns} from the raw events.
     */
    public static List<SeqRun> runsOf(List<StoredEvent> heartbeats, List<StoredEvent> others) {
        java.util.TreeMap<String, java.util.TreeSet<Long>> seqs = new java.util.TreeMap<>();
        for (List<StoredEvent> events : List.of(heartbeats, others)) {
            for (StoredEvent e : events) {
                seqs.computeIfAbsent(e.event().deviceId(), d -> new java.util.TreeSet<>()).add(e.event().seq());
            }
        }
        List<SeqRun> out = new ArrayList<>();
        for (Map.Entry<String, java.util.TreeSet<Long>> d : seqs.entrySet()) {
            long first = 0;
            long last = 0;
            boolean open = false;
            for (long seq : d.getValue()) {
                if (open && seq == last + 1) {
                    last = seq;
                    continue;
                }
                if (open) {
                    out.add(new SeqRun(d.getKey(), first, last));
                }
                first = seq;
                last = seq;
                open = true;
            }
            if (open) {
                out.add(new SeqRun(d.getKey(), first, last));
            }
        }
        return out;
    }

    /**
     * Of a room's raw events (its heartbeats and the others), those received more than {@code after} after the end of
     * their local day, in the store's order: {@link DerivedStore#eventsReceivedAfterTheirDay} from the raw events.
     */
    public static List<StoredEvent> lateOf(List<StoredEvent> heartbeats, List<StoredEvent> others, Duration after) {
        List<StoredEvent> all = new ArrayList<>(heartbeats);
        all.addAll(others);
        all.sort(STORE_ORDER);
        List<StoredEvent> out = new ArrayList<>();
        for (StoredEvent e : all) {
            Instant dayEnd = midnight(LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE).plusDays(1));
            if (e.receivedAt().isAfter(dayEnd.plus(after))) {
                out.add(e);
            }
        }
        return out;
    }

    private static List<String> distinct(Collection<String> rooms) {
        return List.copyOf(new LinkedHashSet<>(rooms));
    }

    /** {@code found} with every one of {@code rooms} a key, in their order (an empty list for a room it leaves out). */
    private static <T> Map<String, List<T>> complete(List<String> rooms, Map<String, List<T>> found) {
        Map<String, List<T>> out = new LinkedHashMap<>();
        for (String room : rooms) {
            out.put(room, new ArrayList<>(found.getOrDefault(room, List.of())));
        }
        return out;
    }

    /** The rooms that need each {@code [from, to)} range read raw, each range once. */
    private static Map<List<Instant>, List<String>> byRange(Map<String, List<Instant[]>> ranges) {
        Map<List<Instant>, List<String>> out = new LinkedHashMap<>();
        ranges.forEach((room, list) -> {
            for (Instant[] r : list) {
                out.computeIfAbsent(List.of(r[0], r[1]), k -> new ArrayList<>()).add(room);
            }
        });
        return out;
    }

    /**
     * A range split into what the records answer (the unmarked whole days) and the ranges to read raw.
     *
     * @param raw     {@code [from, to)} ranges: the parts of a day at either end and each stretch of marked days
     * @param derived the records of the unmarked whole days
     */
    private record Plan(List<Instant[]> raw, List<SeqDay> derived) {
        /**
         * Each room's plan, from one read of the records and one of the marks for all of them; null when the range has
         * no whole day (or lies outside ordinary dates): read it all raw.
         */
        static Map<String, Plan> of(Source source, List<String> rooms, Instant from, Instant to) {
            if (!from.isBefore(to) || from.isBefore(EARLIEST) || to.isAfter(LATEST)) {
                return null;
            }
            LocalDate first = LocalDate.ofInstant(from, RulesEngine.ZONE);
            if (midnight(first).isBefore(from)) {
                first = first.plusDays(1);
            }
            LocalDate end = LocalDate.ofInstant(to, RulesEngine.ZONE); // days before it are whole
            if (!first.isBefore(end)) {
                return null;
            }
            List<Instant[]> ends = new ArrayList<>();
            if (from.isBefore(midnight(first))) {
                ends.add(new Instant[]{from, midnight(first)});
            }
            if (midnight(end).isBefore(to)) {
                ends.add(new Instant[]{midnight(end), to});
            }
            LocalDate last = end.minusDays(1);
            Map<String, Set<LocalDate>> marks = rooms.isEmpty() ? Map.of() : source.markedDays(rooms, first, last);
            Map<String, List<SeqDay>> records = rooms.isEmpty() ? Map.of() : source.seqDays(rooms, first, last);
            Map<String, Plan> out = new LinkedHashMap<>();
            for (String room : rooms) {
                Set<LocalDate> marked = marks.getOrDefault(room, Set.of());
                List<Instant[]> raw = new ArrayList<>(ends);
                LocalDate stretch = null;
                for (LocalDate d = first; !d.isAfter(end); d = d.plusDays(1)) {
                    boolean m = d.isBefore(end) && marked.contains(d);
                    if (m && stretch == null) {
                        stretch = d;
                    } else if (!m && stretch != null) {
                        raw.add(new Instant[]{midnight(stretch), midnight(d)});
                        stretch = null;
                    }
                }
                List<SeqDay> derived = new ArrayList<>();
                for (SeqDay d : records.getOrDefault(room, List.of())) {
                    if (!marked.contains(d.day())) {
                        derived.add(d);
                    }
                }
                out.put(room, new Plan(raw, derived));
            }
            return out;
        }
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(RulesEngine.ZONE).toInstant();
    }
}

package cn.xinan.collector.store;

import cn.xinan.collector.store.DerivedStore.SeqRun;
import cn.xinan.rules.RulesEngine;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@link DerivedStore#sequenceRuns} and {@link DerivedStore#eventsReceivedAfterTheirDay} from the stored {@link SeqDay}s,
 * for the stores that keep them: the whole local days of the range that are not marked (their record was derived after
 * their last append) come from the records; the marked days (appended to since, or never derived) and the parts of a day
 * at either end of the range come from the raw events. So the answer equals the raw events' at any time, and a room
 * whose days are all derived costs two small reads, whatever its number of events.
 */
public final class SeqDayReads {
    /** Outside these years a range is read from the raw events (no local day arithmetic near the ends of time). */
    private static final Instant EARLIEST = Instant.parse("1900-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("2300-01-01T00:00:00Z");

    /** What a store gives: its records, its marks, and the same answers from its raw events. */
    public interface Source {
        /** The stored records of a room for the days {@code from..to}. */
        List<SeqDay> seqDays(String room, LocalDate from, LocalDate to);

        /** The days {@code from..to} of a room that are marked (changed since derived), as the store keeps them durably. */
        Set<LocalDate> markedDays(String room, LocalDate from, LocalDate to);

        /** {@link DerivedStore#sequenceRuns} from the raw events. */
        List<SeqRun> rawRuns(String room, Instant from, Instant to);

        /** {@link DerivedStore#eventsReceivedAfterTheirDay} from the raw events. */
        List<StoredEvent> rawLate(String room, Instant from, Instant to, Duration after);
    }

    private SeqDayReads() {
    }

    /** The runs of a room's sequence numbers in {@code [from, to)}, equal to {@link Source#rawRuns}'s. */
    public static List<SeqRun> sequenceRuns(Source source, String room, Instant from, Instant to) {
        Plan plan = Plan.of(source, room, from, to);
        if (plan == null) {
            return source.rawRuns(room, from, to);
        }
        List<SeqRun> all = new ArrayList<>();
        for (Instant[] raw : plan.raw()) {
            all.addAll(source.rawRuns(room, raw[0], raw[1]));
        }
        for (SeqDay d : plan.derived()) {
            for (SeqDay.Run r : d.runs()) {
                all.add(new SeqRun(d.device(), r.first(), r.last()));
            }
        }
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
        Plan plan = Plan.of(source, room, from, to);
        if (plan == null) {
            return source.rawLate(room, from, to, after);
        }
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
        List<StoredEvent> out = new ArrayList<>();
        for (Instant[] range : ranges) {
            out.addAll(source.rawLate(room, range[0], range[1], after));
        }
        out.sort(Comparator.comparing((StoredEvent e) -> e.event().at()).thenComparing(e -> e.event().deviceId())
                .thenComparingLong(e -> e.event().seq()));
        return out;
    }

    /**
     * A range split into what the records answer (the unmarked whole days) and the ranges to read raw.
     *
     * @param raw     {@code [from, to)} ranges: the parts of a day at either end and each stretch of marked days
     * @param derived the records of the unmarked whole days
     */
    private record Plan(List<Instant[]> raw, List<SeqDay> derived) {
        /** Null when the range has no whole day (or lies outside ordinary dates): read it all raw. */
        static Plan of(Source source, String room, Instant from, Instant to) {
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
            List<Instant[]> raw = new ArrayList<>();
            if (from.isBefore(midnight(first))) {
                raw.add(new Instant[]{from, midnight(first)});
            }
            if (midnight(end).isBefore(to)) {
                raw.add(new Instant[]{midnight(end), to});
            }
            LocalDate last = end.minusDays(1);
            Set<LocalDate> marked = source.markedDays(room, first, last);
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
            for (SeqDay d : source.seqDays(room, first, last)) {
                if (!marked.contains(d.day())) {
                    derived.add(d);
                }
            }
            return new Plan(raw, derived);
        }
    }

    private static Instant midnight(LocalDate day) {
        return day.atStartOfDay(RulesEngine.ZONE).toInstant();
    }
}

package cn.xinan.collector.store;

import cn.xinan.rules.RulesEngine;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One device's stored events of one room on one local day (Asia/Shanghai), as the audit lists them (docs/audit.md): their
 * sequence numbers as runs {@code first..last} (each number once, however often it is stored), how many events are
 * stored (distinct event ids) and when the last of them was received. Derived from the raw events of the day, like the
 * {@link AliveDay}s, and kept beside them (docs/scale.md): a function of the stored events, written with the key (room,
 * device, day), so writing it again changes nothing.
 *
 * @param runs           ascending, disjoint and not adjacent
 * @param events         stored events (distinct ids) of the device that day: at least the numbers in the runs
 * @param lastReceivedMs the latest receive time of those events (epoch ms)
 */
public record SeqDay(String device, LocalDate day, List<Run> runs, long events, long lastReceivedMs) {
    /** Consecutive sequence numbers {@code first..last}. */
    public record Run(long first, long last) {
        public Run {
            if (last < first) {
                throw new IllegalArgumentException("run ends at " + last + ", before " + first);
            }
        }

        long length() {
            return last - first + 1;
        }
    }

    public SeqDay {
        if (device == null || device.isBlank()) {
            throw new IllegalArgumentException("device is missing");
        }
        Objects.requireNonNull(day, "day is missing");
        runs = List.copyOf(runs);
        if (runs.isEmpty()) {
            throw new IllegalArgumentException("device " + device + " on " + day + ": no sequence numbers");
        }
        long numbers = 0;
        for (int i = 0; i < runs.size(); i++) {
            if (i > 0 && runs.get(i).first() <= runs.get(i - 1).last() + 1) {
                throw new IllegalArgumentException("runs of device " + device + " on " + day
                        + " are not ascending, disjoint and apart");
            }
            numbers += runs.get(i).length();
        }
        if (events < numbers) {
            throw new IllegalArgumentException("device " + device + " on " + day + ": " + events
                    + " events cannot hold " + numbers + " sequence numbers");
        }
    }

    /**
     * The records of these stored events (any order, duplicates by event id counted once), one per device and local day,
     * ordered by device and day.
     */
    public static List<SeqDay> of(Iterable<StoredEvent> stored) {
        record Key(String device, LocalDate day) {
        }
        TreeMap<String, TreeMap<LocalDate, TreeSet<Long>>> seqs = new TreeMap<>();
        java.util.Map<Key, long[]> counts = new java.util.HashMap<>(); // {events, lastReceivedMs}
        Set<String> seen = new HashSet<>();
        for (StoredEvent e : stored) {
            if (!seen.add(e.eventId())) {
                continue;
            }
            String device = e.event().deviceId();
            LocalDate day = LocalDate.ofInstant(e.event().at(), RulesEngine.ZONE);
            seqs.computeIfAbsent(device, d -> new TreeMap<>()).computeIfAbsent(day, d -> new TreeSet<>()).add(e.event().seq());
            long[] c = counts.computeIfAbsent(new Key(device, day), k -> new long[]{0, Long.MIN_VALUE});
            c[0]++;
            c[1] = Math.max(c[1], e.receivedAt().toEpochMilli());
        }
        List<SeqDay> out = new ArrayList<>();
        seqs.forEach((device, days) -> days.forEach((day, numbers) -> {
            long[] c = counts.get(new Key(device, day));
            out.add(new SeqDay(device, day, runsOf(numbers), c[0], c[1]));
        }));
        return out;
    }

    /** Ascending distinct numbers as runs. */
    static List<Run> runsOf(Iterable<Long> ascending) {
        List<Run> runs = new ArrayList<>();
        long first = 0;
        long last = 0;
        boolean open = false;
        for (long n : ascending) {
            if (open && n == last + 1) {
                last = n;
                continue;
            }
            if (open) {
                runs.add(new Run(first, last));
            }
            first = n;
            last = n;
            open = true;
        }
        if (open) {
            runs.add(new Run(first, last));
        }
        return runs;
    }

    /** The runs as text for a store column: {@code first+length} per run, comma-separated. */
    public String encodedRuns() {
        StringBuilder out = new StringBuilder();
        for (Run r : runs) {
            out.append(out.isEmpty() ? "" : ",").append(r.first()).append('+').append(r.last() - r.first());
        }
        return out.toString();
    }

    /** Reads a stored record back: the inverse of {@link #encodedRuns()}. */
    public static SeqDay decode(String device, LocalDate day, String encodedRuns, long events, long lastReceivedMs) {
        List<Run> runs = new ArrayList<>();
        if (encodedRuns == null || encodedRuns.isEmpty()) {
            throw new IllegalArgumentException("sequence runs of " + device + " on " + day + " are empty");
        }
        for (String s : encodedRuns.split(",")) {
            int plus = s.indexOf('+');
            if (plus < 1) {
                throw new IllegalArgumentException("sequence run '" + s + "' of " + device + " on " + day
                        + " is not first+length");
            }
            long first = Long.parseLong(s.substring(0, plus));
            runs.add(new Run(first, first + Long.parseLong(s.substring(plus + 1))));
        }
        return new SeqDay(device, day, runs, events, lastReceivedMs);
    }
}

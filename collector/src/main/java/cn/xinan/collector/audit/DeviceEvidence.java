package cn.xinan.collector.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which of one device's events an audited room's figures were computed from: their number and their
 * sequence numbers as runs, so a verifier can name an event missing from (or added to) the bundle.
 *
 * @param device the device id
 * @param events how many distinct events
 * @param runs   the sequence numbers, ascending, as inclusive runs {@code [first, last]}
 */
public record DeviceEvidence(String device, int events, List<long[]> runs) {
    public DeviceEvidence {
        Objects.requireNonNull(device, "device is missing");
        runs = List.copyOf(runs);
    }

    /** The evidence of one device from its sequence numbers in any order (duplicates count once). */
    public static DeviceEvidence of(String device, long[] seqs) {
        long[] sorted = java.util.Arrays.stream(seqs).sorted().distinct().toArray();
        List<long[]> runs = new ArrayList<>();
        for (int i = 0; i < sorted.length; ) {
            int j = i;
            while (j + 1 < sorted.length && sorted[j + 1] == sorted[j] + 1) {
                j++;
            }
            runs.add(new long[]{sorted[i], sorted[j]});
            i = j + 1;
        }
        return new DeviceEvidence(device, sorted.length, runs);
    }

    /** The evidence of one device from its runs {@code [first, last]}: ascending and disjoint. */
    public static DeviceEvidence ofRuns(String device, List<long[]> runs) {
        long events = 0;
        long previous = Long.MIN_VALUE;
        for (long[] run : runs) {
            if (run[1] < run[0] || (previous != Long.MIN_VALUE && run[0] <= previous)) {
                throw new IllegalArgumentException("runs of device " + device + " are not ascending and disjoint");
            }
            events += run[1] - run[0] + 1;
            previous = run[1];
        }
        return new DeviceEvidence(device, Math.toIntExact(events), runs);
    }

    /** Whether {@code seq} is one of the sequence numbers. */
    public boolean contains(long seq) {
        for (long[] run : runs) {
            if (seq >= run[0] && seq <= run[1]) {
                return true;
            }
        }
        return false;
    }
}

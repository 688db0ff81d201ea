package cn.xinan.collector.ingest;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The highest sequence number seen per device, to count gaps: a device numbers its events 1, 2, 3…, so a
 * jump forward means events that have not arrived (yet: a backlog may still bring them). Gaps are counted
 * for monitoring, never rejected. A device first seen by this collector starts its tracking without a gap.
 */
final class SequenceTracker {
    private final ConcurrentHashMap<String, Long> lastSeq = new ConcurrentHashMap<>();

    /** Records {@code seq} of {@code deviceId}; returns 1 when it jumped past the next expected number, else 0. */
    int observe(String deviceId, long seq) {
        int[] gap = {0};
        lastSeq.merge(deviceId, seq, (last, s) -> {
            if (s > last + 1) {
                gap[0] = 1;
            }
            return Math.max(last, s);
        });
        return gap[0];
    }
}

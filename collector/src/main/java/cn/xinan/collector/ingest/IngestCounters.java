package cn.xinan.collector.ingest;

import cn.xinan.collector.store.QuarantineReason;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The live ingest counters; thread-safe. Metrics read them through {@link #snapshot()} and the getters. */
public final class IngestCounters {
    final LongAdder messagesReceived = new LongAdder();
    final LongAdder eventsReceived = new LongAdder();
    final LongAdder eventsStored = new LongAdder();
    final LongAdder duplicates = new LongAdder();
    final LongAdder sequenceGaps = new LongAdder();
    final LongAdder storeFailures = new LongAdder();
    final LongAdder acknowledged = new LongAdder();
    /** Rejected messages over their source's quarantine rate: counted and acknowledged, not kept. */
    final LongAdder quarantineNotKept = new LongAdder();
    private final Map<QuarantineReason, LongAdder> quarantined = new EnumMap<>(QuarantineReason.class);

    public IngestCounters() {
        for (QuarantineReason r : QuarantineReason.values()) {
            quarantined.put(r, new LongAdder());
        }
    }

    void countQuarantined(QuarantineReason reason) {
        quarantined.get(reason).increment();
    }

    public long messagesReceived() {
        return messagesReceived.sum();
    }

    public long eventsReceived() {
        return eventsReceived.sum();
    }

    public long eventsStored() {
        return eventsStored.sum();
    }

    public long duplicates() {
        return duplicates.sum();
    }

    public long sequenceGaps() {
        return sequenceGaps.sum();
    }

    public long storeFailures() {
        return storeFailures.sum();
    }

    public long quarantineNotKept() {
        return quarantineNotKept.sum();
    }

    public long quarantined(QuarantineReason reason) {
        return quarantined.get(reason).sum();
    }

    public IngestStats snapshot() {
        Map<QuarantineReason, Long> q = new EnumMap<>(QuarantineReason.class);
        quarantined.forEach((r, n) -> q.put(r, n.sum()));
        long received = messagesReceived.sum();
        return new IngestStats(received, eventsReceived.sum(), eventsStored.sum(), duplicates.sum(), q,
                sequenceGaps.sum(), storeFailures.sum(), Math.max(0, received - acknowledged.sum()));
    }
}

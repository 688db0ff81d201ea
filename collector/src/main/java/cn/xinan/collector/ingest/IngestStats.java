package cn.xinan.collector.ingest;

import cn.xinan.collector.store.QuarantineReason;

import java.util.Map;

/**
 * A snapshot of the ingest counters since this collector started.
 *
 * @param messagesReceived messages handed over by the transport
 * @param eventsReceived   events in messages that passed every check
 * @param eventsStored     events that were new to the store
 * @param duplicates       events that were already stored (re-deliveries): counted, not quarantined
 * @param quarantined      rejected messages by reason
 * @param sequenceGaps     times a device's sequence number jumped forward (events missing so far; not rejected)
 * @param storeFailures    appends that failed and were retried (the messages stayed unacknowledged meanwhile)
 * @param pending          messages received but not yet acknowledged
 */
public record IngestStats(long messagesReceived, long eventsReceived, long eventsStored, long duplicates,
                          Map<QuarantineReason, Long> quarantined, long sequenceGaps, long storeFailures, long pending) {
    public IngestStats {
        quarantined = Map.copyOf(quarantined);
    }

    public long quarantinedTotal() {
        return quarantined.values().stream().mapToLong(Long::longValue).sum();
    }
}

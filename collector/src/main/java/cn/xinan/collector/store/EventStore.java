package cn.xinan.collector.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the collector keeps verified events and quarantined messages: the only source of truth for
 * verdicts (RULES.md §6). Two adapters implement it, {@code sqlite} (embedded, zero set-up) and
 * {@code influxdb} (production, v1 HTTP API); one contract test suite holds both to the same behaviour.
 *
 * <p>Every method is thread-safe. Failures of the underlying database are translated into
 * {@link StoreException}; a caller that gets one must assume nothing of that call was stored (and, for
 * ingest, must not acknowledge the messages: the broker delivers them again, and idempotency makes the
 * retry harmless).
 */
public interface EventStore extends AutoCloseable {

    /**
     * Stores events idempotently by event id: an event whose id is already stored (or appears earlier in
     * the same list) changes nothing and is counted as a duplicate. When this returns, the new events are
     * durable (on disk, fsynced).
     */
    AppendResult append(List<StoredEvent> events);

    /**
     * The stored events of a room whose device time {@code at} lies in {@code [from, to)}, each event
     * once, ordered by device time, then device, then sequence number. Receive time plays no part.
     */
    List<StoredEvent> eventsForRoom(String roomId, Instant from, Instant to);

    /**
     * The sequence numbers stored for {@code deviceId} above {@code after}, each once, ascending, the lowest
     * {@code limit} of them. The collectors' acknowledgement ({@code {deviceId}/ack}) and gap tracking are computed
     * from it, so they are exact whichever replica stored what.
     */
    java.util.List<Long> sequenceNumbersAbove(String deviceId, long after, int limit);

    /** Number of distinct events stored (quarantined messages are never counted). */
    long eventCount();

    /** Stores rejected messages apart from the events, durably when it returns. */
    void quarantine(List<QuarantinedMessage> messages);

    default void quarantine(QuarantinedMessage message) {
        quarantine(List.of(message));
    }

    /** The most recently received quarantined messages, newest first, at most {@code limit} of them. */
    List<QuarantinedMessage> recentQuarantine(int limit);

    /** How many messages were quarantined for each reason (reasons with none are left out). */
    Map<QuarantineReason, Long> quarantineCounts();

    /** Short name of the adapter for health and the ingest report: {@code sqlite} or {@code influxdb}. */
    String type();

    /** Checks that the database answers; throws {@link StoreException} saying why not. */
    void checkHealth();

    @Override
    void close();
}

package cn.xinan.collector.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the collector keeps verified events and quarantined messages: the only source of truth for
 * verdicts (docs/rules.md §6), and beside them the results derived from the events ({@link DerivedStore}): an append of
 * new events marks their rooms' days for recomputation. Two adapters implement it, {@code sqlite} (embedded, zero set-up) and
 * {@code influxdb} (production, v1 HTTP API); one contract test suite holds both to the same behaviour.
 *
 * <p>Every method is thread-safe. Failures of the underlying database are translated into
 * {@link StoreException}; a caller that gets one must assume nothing of that call was stored (and, for
 * ingest, must not acknowledge the messages: the broker delivers them again, and idempotency makes the
 * retry harmless).
 */
public interface EventStore extends DerivedStore, AutoCloseable {

    /**
     * Stores events idempotently by event id: an event whose id is already stored (or appears earlier in
     * the same list) changes nothing and is counted as a duplicate, whatever room it was stored under (a device
     * moved to another room since does not make its old events new). When this returns, the new events are
     * durable (on disk, fsynced).
     *
     * @throws StoreRefusedException when an event holds a value this store cannot represent (nothing is stored)
     */
    AppendResult append(List<StoredEvent> events);

    /**
     * The stored events of a room whose device time {@code at} lies in {@code [from, to)}, each event
     * once, ordered by device time, then device, then sequence number. Receive time plays no part.
     */
    List<StoredEvent> eventsForRoom(String roomId, Instant from, Instant to);

    /**
     * The stored events of one kind of a room in {@code [from, to)}, as {@link #eventsForRoom} orders them: the
     * web UI's room page counts check-ins by purpose and stage from these without reading every heartbeat. Adapters
     * filter in the query; this default filters {@link #eventsForRoom}.
     */
    default List<StoredEvent> eventsOfKindForRoom(String roomId, cn.xinan.event.EventKind kind, Instant from, Instant to) {
        return eventsForRoom(roomId, from, to).stream().filter(e -> e.event().kind() == kind).toList();
    }

    /**
     * The sequence numbers <b>handled</b> for {@code deviceId} above {@code after}: stored, or verified and quarantined
     * ({@link #quarantineSeqs}), each once, ascending, the lowest {@code limit} of them. The collectors'
     * acknowledgement ({@code {deviceId}/ack}) and gap tracking are computed from it, so they are exact whichever
     * replica stored or quarantined what.
     */
    java.util.List<Long> sequenceNumbersAbove(String deviceId, long after, int limit);

    /**
     * The id of an event stored for {@code deviceId} under sequence number {@code seq} (the most recently received
     * one, should a re-installed device have used the number twice), else of an event quarantined under it
     * ({@link #quarantineSeqs}), empty when neither.
     */
    java.util.Optional<String> eventIdAt(String deviceId, long seq);

    /**
     * Records verified events that were quarantined instead of stored as handled (their sequence numbers count in
     * {@link #sequenceNumbersAbove}), idempotently (one record per device, sequence number and event id), durably when it
     * returns. Kept apart from the quarantine list: {@link #pruneQuarantine} never deletes them.
     */
    void quarantineSeqs(List<QuarantinedSeq> seqs);

    /** Per device, how many of its sequence numbers were quarantined as handled ({@link #quarantineSeqs}); none: left out. */
    Map<String, Long> quarantinedSeqCounts();

    /** Number of distinct events stored (quarantined messages are never counted). */
    long eventCount();

    /** Stores rejected messages apart from the events, durably when it returns. */
    void quarantine(List<QuarantinedMessage> messages);

    default void quarantine(QuarantinedMessage message) {
        quarantine(List.of(message));
    }

    /** The most recently received quarantined messages, newest first, at most {@code limit} of them. */
    List<QuarantinedMessage> recentQuarantine(int limit);

    /**
     * Deletes quarantined messages received before {@code olderThan}, then all but the {@code keepNewest} most
     * recently received ones.
     *
     * @return how many were deleted
     */
    long pruneQuarantine(Instant olderThan, long keepNewest);

    /** How many messages were quarantined for each reason (reasons with none are left out). */
    Map<QuarantineReason, Long> quarantineCounts();

    /** Short name of the adapter for health and the ingest report: {@code sqlite} or {@code influxdb}. */
    String type();

    /** Checks that the database answers; throws {@link StoreException} saying why not. */
    void checkHealth();

    @Override
    void close();
}

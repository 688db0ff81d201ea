package cn.xinan.device.room;

import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.outbox.OutboxFullException;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignedEvent;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Turns an event body into a numbered, signed event in the durable outbox: a random UUID, the next
 * sequence number (continuing the outbox's last one, so numbers survive restarts and are never
 * reused), the time in whole milliseconds, the clock-synchronised flag, the device signature.
 * Once the outbox has it, {@code onRecorded} is told (the publisher wakes up); it must not block.
 *
 * <p><b>A full outbox</b> (docs/device.md): while the outbox holds {@link OutboxLimit#maxEvents} or more
 * unacknowledged events, a heartbeat is recorded only if the last event recorded is at least
 * {@link OutboxLimit#fullHeartbeatInterval} older; the others are not recorded at all (no sequence number is
 * used, so the collectors' contiguous count never waits for them). When the disk itself is full
 * ({@link OutboxFullException}) a heartbeat is skipped the same way, and any other event is refused
 * (the exception reaches the input, whose state does not change). Both are counted.
 *
 * <p>Thread-safe: recording is serialised, so sequence numbers follow recording order.
 */
public final class EventRecorder implements EventSink {
    /**
     * When the outbox counts as full, and how sparse heartbeats get then.
     *
     * @param maxEvents             unacknowledged events at or above which heartbeats are thinned
     * @param fullHeartbeatInterval the least time between two recorded events for a heartbeat to be recorded
     */
    public record OutboxLimit(long maxEvents, Duration fullHeartbeatInterval) {
        public static final OutboxLimit NONE = new OutboxLimit(Long.MAX_VALUE, Duration.ofMinutes(15));

        public OutboxLimit {
            if (maxEvents < 1) {
                throw new IllegalArgumentException("outbox limit must be at least 1 event, was " + maxEvents);
            }
            Objects.requireNonNull(fullHeartbeatInterval, "heartbeat interval of a full outbox is missing");
        }
    }

    private final String deviceId;
    private final EventSigner signer;
    private final Outbox outbox;
    private final ClockSyncStatus clockSync;
    private final Consumer<DeviceEvent> onRecorded;
    private final Function<Instant, Outbox.Hold> holdSource;
    private final OutboxLimit limit;
    private long nextSeq;
    private long recordedThisRun;
    private long heartbeatsThinned;
    private long heartbeatsSkippedDiskFull;
    private Instant lastRecordedAt;
    private boolean stopped;

    public EventRecorder(String deviceId, EventSigner signer, Outbox outbox, ClockSyncStatus clockSync,
                         Runnable onRecorded) {
        this(deviceId, signer, outbox, clockSync, at -> null, event -> onRecorded.run());
        Objects.requireNonNull(onRecorded, "onRecorded is missing");
    }

    /**
     * @param holdSource where an event with an unsynchronised time sits on the monotonic time line (given
     *                   the event's own time: heartbeats caught up late carry earlier times); {@code null}
     *                   from it (or a synchronised clock) = the event is not held back
     * @param onRecorded told each event once the outbox has it; must not block
     */
    public EventRecorder(String deviceId, EventSigner signer, Outbox outbox, ClockSyncStatus clockSync,
                         Function<Instant, Outbox.Hold> holdSource, Consumer<DeviceEvent> onRecorded) {
        this(deviceId, signer, outbox, clockSync, holdSource, onRecorded, OutboxLimit.NONE);
    }

    /** @param limit when the outbox counts as full (heartbeats are thinned then) */
    public EventRecorder(String deviceId, EventSigner signer, Outbox outbox, ClockSyncStatus clockSync,
                         Function<Instant, Outbox.Hold> holdSource, Consumer<DeviceEvent> onRecorded, OutboxLimit limit) {
        this.limit = Objects.requireNonNull(limit, "outbox limit is missing");
        this.holdSource = Objects.requireNonNull(holdSource, "hold source is missing");
        this.deviceId = DeviceEvent.checkDeviceId(deviceId);
        this.signer = Objects.requireNonNull(signer, "signer is missing");
        this.outbox = Objects.requireNonNull(outbox, "outbox is missing");
        this.clockSync = Objects.requireNonNull(clockSync, "clock sync status is missing");
        this.onRecorded = Objects.requireNonNull(onRecorded, "onRecorded is missing");
        if (!outbox.deviceId().equals(deviceId)) {
            throw new IllegalArgumentException("outbox of device " + outbox.deviceId() + " given to recorder of " + deviceId);
        }
        this.nextSeq = outbox.lastSeq() + 1;
        this.lastRecordedAt = outbox.lastEventAt().orElse(null);
    }

    @Override
    public synchronized DeviceEvent record(EventBody body, Instant at) {
        if (stopped) {
            throw new IllegalStateException("device " + deviceId + " has stopped recording (powered off)");
        }
        boolean heartbeat = body instanceof EventBody.Heartbeat;
        if (heartbeat && outbox.depth() >= limit.maxEvents() && lastRecordedAt != null
                && at.isBefore(lastRecordedAt.plus(limit.fullHeartbeatInterval()))) {
            heartbeatsThinned++;
            return null;
        }
        boolean synced = clockSync.isSynchronized();
        DeviceEvent event = new DeviceEvent(UUID.randomUUID().toString(), deviceId, nextSeq,
                at.truncatedTo(ChronoUnit.MILLIS), synced, body);
        try {
            outbox.append(signer.sign(event), synced ? null : holdSource.apply(event.at()));
        } catch (OutboxFullException e) {
            if (heartbeat) {
                heartbeatsSkippedDiskFull++;
                return null;
            }
            throw e;
        }
        lastRecordedAt = event.at();
        nextSeq++;
        recordedThisRun++;
        onRecorded.accept(event);
        return event;
    }

    /** Refuses every later event (power off: nothing more is recorded). */
    public synchronized void stop() {
        stopped = true;
    }

    /** Events recorded by this recorder (this run of the device). */
    public synchronized long recordedThisRun() {
        return recordedThisRun;
    }

    /** Heartbeats not recorded because the outbox was over its limit (this run). */
    public synchronized long heartbeatsThinned() {
        return heartbeatsThinned;
    }

    /** Heartbeats not recorded because the disk was full (this run). */
    public synchronized long heartbeatsSkippedDiskFull() {
        return heartbeatsSkippedDiskFull;
    }

    /** Events ever recorded on this outbox: the last sequence number. */
    public synchronized long recordedTotal() {
        return nextSeq - 1;
    }
}

package cn.xinan.device.room;

import cn.xinan.device.outbox.Outbox;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignedEvent;

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
 * <p>Thread-safe: recording is serialised, so sequence numbers follow recording order.
 */
public final class EventRecorder implements EventSink {
    private final String deviceId;
    private final EventSigner signer;
    private final Outbox outbox;
    private final ClockSyncStatus clockSync;
    private final Consumer<DeviceEvent> onRecorded;
    private final Function<Instant, Outbox.Hold> holdSource;
    private long nextSeq;
    private long recordedThisRun;
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
    }

    @Override
    public synchronized DeviceEvent record(EventBody body, Instant at) {
        if (stopped) {
            throw new IllegalStateException("device " + deviceId + " has stopped recording (powered off)");
        }
        boolean synced = clockSync.isSynchronized();
        DeviceEvent event = new DeviceEvent(UUID.randomUUID().toString(), deviceId, nextSeq,
                at.truncatedTo(ChronoUnit.MILLIS), synced, body);
        outbox.append(signer.sign(event), synced ? null : holdSource.apply(event.at()));
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

    /** Events ever recorded on this outbox: the last sequence number. */
    public synchronized long recordedTotal() {
        return nextSeq - 1;
    }
}

package cn.xinan.collector.store;

import cn.xinan.event.DeviceEvent;
import cn.xinan.wire.SignedEvent;

import java.time.Instant;
import java.util.Objects;

/**
 * A verified event as stored: the signed event, the room its device belonged to when it was received
 * (from the registry), and when the collector received it. Receive time is kept for diagnosis only; it is
 * never used for accounting (docs/rules.md §1).
 */
public record StoredEvent(SignedEvent signed, String roomId, Instant receivedAt) {
    /**
     * Device times every store holds: from the Unix epoch (a Pi without a clock starts there) to 2100. InfluxDB's
     * point time is a signed 64-bit count of nanoseconds (1677 to 2262), and this store puts the sequence number
     * in its sub-millisecond digits; a time outside is refused ({@link StoreRefusedException}) instead of wrapping
     * around (year 3000 became 1830).
     */
    public static final Instant EARLIEST_STORABLE = Instant.parse("1970-01-01T00:00:00Z");
    /** Exclusive; see {@link #EARLIEST_STORABLE}. */
    public static final Instant LATEST_STORABLE = Instant.parse("2100-01-01T00:00:00Z");

    /** Whether {@code t} lies in [{@link #EARLIEST_STORABLE}, {@link #LATEST_STORABLE}). */
    public static boolean storable(Instant t) {
        return !t.isBefore(EARLIEST_STORABLE) && t.isBefore(LATEST_STORABLE);
    }

    /** @throws StoreRefusedException when a device time of this event is outside the storable range */
    public void checkStorable() {
        DeviceEvent e = signed.event();
        if (!storable(e.at()) || !storable(receivedAt)
                || e.body() instanceof cn.xinan.event.EventBody.Boot b && b.previousAliveAt() != null && !storable(b.previousAliveAt())) {
            throw new StoreRefusedException("event " + e.eventId() + " of device " + e.deviceId() + " has a time outside "
                    + EARLIEST_STORABLE + " to " + LATEST_STORABLE + " (at " + e.at() + ", received " + receivedAt + ")");
        }
    }
    public StoredEvent {
        Objects.requireNonNull(signed, "signed event is missing");
        if (roomId == null || roomId.isBlank()) {
            throw new IllegalArgumentException("room id is missing");
        }
        Objects.requireNonNull(receivedAt, "receive time is missing");
    }

    public DeviceEvent event() {
        return signed.event();
    }

    public String eventId() {
        return signed.event().eventId();
    }
}

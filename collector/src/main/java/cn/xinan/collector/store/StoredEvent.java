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

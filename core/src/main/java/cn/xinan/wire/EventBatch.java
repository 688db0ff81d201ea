package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;

import java.util.List;
import java.util.Objects;

/**
 * One MQTT message: one or more events of one device, in recording order.
 *
 * <p>Verifying an Ed25519 signature is the collector's hot cost (~0.15 ms each with Bouncy Castle),
 * so a batch of more than one event carries one extra signature over the SHA-256 digests of its
 * events' canonical encodings ({@link EventSigner#signBatch}); the collector then verifies one
 * signature per message instead of one per event. A single-event message has no batch signature
 * and is verified by the event's own signature.
 *
 * @param deviceId       the publishing device; every event must be its own
 * @param events         1 to {@link WireCodec#MAX_EVENTS_PER_BATCH} events
 * @param batchSignature the signature over the batch, required when there is more than one event, else {@code null}
 */
public record EventBatch(String deviceId, List<SignedEvent> events, byte[] batchSignature) {
    public EventBatch {
        DeviceEvent.checkDeviceId(deviceId);
        Objects.requireNonNull(events, "events are missing");
        events = List.copyOf(events);
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a batch holds at least one event");
        }
        if (events.size() > WireCodec.MAX_EVENTS_PER_BATCH) {
            throw new IllegalArgumentException("a batch holds at most " + WireCodec.MAX_EVENTS_PER_BATCH
                    + " events, this one " + events.size());
        }
        for (SignedEvent e : events) {
            if (!e.event().deviceId().equals(deviceId)) {
                throw new IllegalArgumentException("event " + e.event().eventId() + " belongs to device "
                        + e.event().deviceId() + ", not to " + deviceId);
            }
        }
        if (events.size() > 1 && (batchSignature == null || batchSignature.length != Ed25519Keys.SIGNATURE_BYTES)) {
            throw new IllegalArgumentException("a batch of " + events.size() + " events needs a batch signature of "
                    + Ed25519Keys.SIGNATURE_BYTES + " bytes");
        }
        if (events.size() == 1 && batchSignature != null) {
            throw new IllegalArgumentException("a single-event message carries no batch signature");
        }
        batchSignature = batchSignature == null ? null : batchSignature.clone();
    }

    @Override
    public byte[] batchSignature() {
        return batchSignature == null ? null : batchSignature.clone();
    }
}

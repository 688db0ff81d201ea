package cn.xinan.collector.ingest;

import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.event.DeviceEvent;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.wire.EventBatch;
import cn.xinan.wire.SignatureException;
import cn.xinan.wire.SignatureVerifier;
import cn.xinan.wire.SignedEvent;
import cn.xinan.wire.Topics;
import cn.xinan.wire.WireCodec;
import cn.xinan.wire.WireFormatException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Checks one message against the wire contract and the registry, in this order: payload size, topic form,
 * schema, topic belongs to the batch's device, device registered, signature, plausible time. The first
 * failure decides the reason. Stateless and thread-safe: the pipeline runs it on several threads.
 */
public final class MessageVerifier {
    private final Registry registry;
    private final IngestSettings settings;

    public MessageVerifier(Registry registry, IngestSettings settings) {
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.settings = Objects.requireNonNull(settings, "settings are missing");
    }

    /** What became of one message. */
    public sealed interface Outcome permits Accepted, Rejected {
    }

    /** Every check passed: the events to store, with their room. */
    public record Accepted(String deviceId, List<StoredEvent> events) implements Outcome {
    }

    /** A check failed: the message goes to the quarantine. */
    public record Rejected(QuarantinedMessage message) implements Outcome {
    }

    public Outcome check(String topic, byte[] payload, Instant receivedAt) {
        if (payload.length > WireCodec.MAX_PAYLOAD_BYTES) {
            return reject(topic, null, QuarantineReason.PAYLOAD_TOO_LARGE, "payload of " + payload.length
                    + " bytes exceeds the limit of " + WireCodec.MAX_PAYLOAD_BYTES + " bytes", receivedAt, payload);
        }
        String topicDevice;
        try {
            topicDevice = Topics.deviceOfEventsTopic(topic);
        } catch (WireFormatException e) {
            return reject(topic, null, QuarantineReason.FOREIGN_TOPIC, e.getMessage(), receivedAt, payload);
        }
        EventBatch batch;
        try {
            batch = WireCodec.decode(payload);
        } catch (WireFormatException e) {
            return reject(topic, topicDevice, QuarantineReason.MALFORMED, e.getMessage(), receivedAt, payload);
        }
        if (!batch.deviceId().equals(topicDevice)) {
            return reject(topic, batch.deviceId(), QuarantineReason.FOREIGN_TOPIC, "topic is not the device's own: "
                    + "device " + batch.deviceId() + " published on " + topic, receivedAt, payload);
        }
        Optional<DeviceRecord> device = registry.device(batch.deviceId());
        if (device.isEmpty()) {
            return reject(topic, batch.deviceId(), QuarantineReason.UNKNOWN_DEVICE, "device " + batch.deviceId()
                    + " is not in the registry", receivedAt, payload);
        }
        try {
            SignatureVerifier.verify(batch, device.get().publicKey());
        } catch (SignatureException e) {
            return reject(topic, batch.deviceId(), QuarantineReason.BAD_SIGNATURE, e.getMessage(), receivedAt, payload);
        }
        Instant latest = receivedAt.plus(settings.maxFutureSkew());
        for (SignedEvent s : batch.events()) {
            DeviceEvent e = s.event();
            // An unsynchronised clock is flagged on the event and judged by the rules (docs/rules.md §6); only a clock
            // that claims to be synchronised can be implausible.
            if (e.clockSynced() && (e.at().isAfter(latest) || e.at().isBefore(settings.earliestPlausible()))) {
                return reject(topic, batch.deviceId(), QuarantineReason.IMPLAUSIBLE_TIME, "event " + e.eventId()
                        + " (seq " + e.seq() + ") has device time " + e.at() + ", received at " + receivedAt
                        + "; plausible is " + settings.earliestPlausible() + " to " + latest, receivedAt, payload);
            }
        }
        String room = device.get().roomId();
        List<StoredEvent> events = new ArrayList<>(batch.events().size());
        for (SignedEvent s : batch.events()) {
            events.add(new StoredEvent(s, room, receivedAt));
        }
        return new Accepted(batch.deviceId(), events);
    }

    private static Rejected reject(String topic, String deviceId, QuarantineReason reason, String detail,
                                   Instant receivedAt, byte[] payload) {
        return new Rejected(QuarantinedMessage.of(topic, deviceId, reason, detail, receivedAt, payload));
    }
}

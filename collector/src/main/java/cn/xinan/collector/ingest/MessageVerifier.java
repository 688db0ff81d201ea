package cn.xinan.collector.ingest;

import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.QuarantinedSeq;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.provisioning.Registry;
import cn.xinan.wire.Ed25519Keys;
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
 * schema (strict UTF-8, value ranges), topic belongs to the batch's device, device registered, signatures by a key of
 * the device's history (the batch's and, in a batch, each event's own), storable and plausible times, that key
 * current and the device in a room when each event was recorded. The first failure decides the reason, with one
 * exception: an event with an implausible or unstorable time in a message whose signature verified with the key current
 * now (the device is registered and not retired) is quarantined <b>on its own</b>, as handled ({@link QuarantinedEvent}),
 * and the message's other events go on (docs/mqtt-contract.md, "What the collector checks"). Each event is
 * attributed to the room its device was in when it recorded it. Stateless and thread-safe: the pipeline runs it on
 * several threads.
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

    /**
     * Every check passed: the events to store, with their room; {@code quarantined} are the message's verified events
     * that are quarantined instead (each on its own, as handled: its sequence number counts as acknowledged).
     */
    public record Accepted(String deviceId, List<StoredEvent> events, List<QuarantinedEvent> quarantined) implements Outcome {
        public Accepted {
            Objects.requireNonNull(deviceId, "device id is missing");
            events = List.copyOf(events);
            quarantined = List.copyOf(quarantined);
        }

        public Accepted(String deviceId, List<StoredEvent> events) {
            this(deviceId, events, List.of());
        }
    }

    /**
     * One verified event of a registered device quarantined instead of stored: the message kept in the quarantine
     * list (the event alone as a single-event message, or the original message when it held only this event) and the
     * record that makes its sequence number handled.
     */
    public record QuarantinedEvent(QuarantinedMessage message, QuarantinedSeq seq) {
        public QuarantinedEvent {
            Objects.requireNonNull(message, "message is missing");
            Objects.requireNonNull(seq, "seq is missing");
        }

        /** {@code event} of the message {@code payload} on {@code topic} (holding {@code eventsInMessage} events). */
        public static QuarantinedEvent of(String topic, SignedEvent event, int eventsInMessage, byte[] payload,
                                          QuarantineReason reason, String detail, Instant receivedAt) {
            String device = event.event().deviceId();
            byte[] kept = eventsInMessage == 1 ? payload
                    : WireCodec.encode(new EventBatch(device, List.of(event), null));
            String what = eventsInMessage == 1 ? detail : detail + " (quarantined alone, one event of a batch of "
                    + eventsInMessage + ")";
            return new QuarantinedEvent(QuarantinedMessage.of(topic, device, reason, what, receivedAt, kept),
                    QuarantinedSeq.of(event.event(), reason, receivedAt));
        }
    }

    /** A check failed: the message goes to the quarantine. */
    public record Rejected(QuarantinedMessage message) implements Outcome {
    }

    /**
     * Checks one message. Never throws: a failure nobody foresaw (a bug, an arithmetic overflow on a value no
     * check caught) is itself an outcome, {@link QuarantineReason#INTERNAL_ERROR}, so one message can never
     * hold up the messages verified with it.
     */
    public Outcome check(String topic, byte[] payload, Instant receivedAt) {
        try {
            return checkOrThrow(topic, payload, receivedAt);
        } catch (RuntimeException e) {
            return reject(topic == null ? "" : topic, null, QuarantineReason.INTERNAL_ERROR, "checking the message failed: "
                    + e, receivedAt, payload);
        }
    }

    private Outcome checkOrThrow(String topic, byte[] payload, Instant receivedAt) {
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
        Optional<DeviceHistory> device = registry.history(batch.deviceId());
        if (device.isEmpty()) {
            return reject(topic, batch.deviceId(), QuarantineReason.UNKNOWN_DEVICE, "device " + batch.deviceId()
                    + " is not in the registry", receivedAt, payload);
        }
        // Any key of the device's history may have signed; it must have been current when each event was recorded.
        Ed25519Keys.PublicKey signer = null;
        SignatureException firstFailure = null;
        for (Ed25519Keys.PublicKey key : device.get().keysNewestFirst()) {
            try {
                SignatureVerifier.verify(batch, key);
                signer = key;
                break;
            } catch (SignatureException e) {
                firstFailure = firstFailure == null ? e : firstFailure;
            }
        }
        if (signer == null) {
            return reject(topic, batch.deviceId(), QuarantineReason.BAD_SIGNATURE, firstFailure.getMessage(), receivedAt,
                    payload);
        }
        if (batch.events().size() > 1) {
            // The batch signature vouches for the message; each event's own signature is what the store keeps as
            // evidence, so it must verify on its own too: an auditor re-checks stored events one by one.
            for (SignedEvent s : batch.events()) {
                if (!SignatureVerifier.verifyEvent(s, signer)) {
                    return reject(topic, batch.deviceId(), QuarantineReason.BAD_SIGNATURE, "signature of event "
                            + s.event().eventId() + " (seq " + s.event().seq() + ") in a batch of " + batch.events().size()
                            + " from device " + batch.deviceId() + " does not verify with the key that signed the batch",
                            receivedAt, payload);
                }
            }
        }
        Instant latest = receivedAt.plus(settings.maxFutureSkew());
        // Signed with the key current now by a device not retired: an event with a bad time is the device's own, so it is
        // quarantined alone and handled (its seq acknowledged); otherwise the whole message is rejected, nothing handled.
        boolean handles = !device.get().retired() && device.get().keyCurrentAt(signer, receivedAt);
        List<SignedEvent> plausible = new ArrayList<>(batch.events().size());
        List<QuarantinedEvent> quarantined = new ArrayList<>();
        for (SignedEvent s : batch.events()) {
            DeviceEvent e = s.event();
            Instant prevAlive = e.body() instanceof EventBody.Boot b ? b.previousAliveAt() : null;
            String implausible = null;
            // Every time, synchronised or not, must be one every store can hold (StoredEvent#storable).
            if (!StoredEvent.storable(e.at()) || prevAlive != null && !StoredEvent.storable(prevAlive)) {
                implausible = "event " + e.eventId() + " (seq " + e.seq() + ") has device time " + e.at()
                        + (prevAlive == null ? "" : " and prevAliveAt " + prevAlive) + "; any device time must lie from "
                        + StoredEvent.EARLIEST_STORABLE + " to before " + StoredEvent.LATEST_STORABLE;
            } else if (e.clockSynced() && (e.at().isAfter(latest) || e.at().isBefore(settings.earliestPlausible()))) {
                // An unsynchronised clock is flagged on the event and judged by the rules (docs/rules.md §6); only a
                // clock that claims to be synchronised can be implausible within that range.
                implausible = "event " + e.eventId() + " (seq " + e.seq() + ") has device time " + e.at() + ", received at "
                        + receivedAt + "; plausible is " + settings.earliestPlausible() + " to " + latest;
            }
            if (implausible == null) {
                plausible.add(s);
            } else if (handles) {
                quarantined.add(QuarantinedEvent.of(topic, s, batch.events().size(), payload,
                        QuarantineReason.IMPLAUSIBLE_TIME, implausible, receivedAt));
            } else {
                return reject(topic, batch.deviceId(), QuarantineReason.IMPLAUSIBLE_TIME, implausible, receivedAt, payload);
            }
        }
        List<StoredEvent> events = new ArrayList<>(plausible.size());
        for (SignedEvent s : plausible) {
            DeviceEvent e = s.event();
            // the room the device was in when it recorded the event (a move does not move its past); an unsynced
            // event's time is the device's guess, so the time it arrived decides
            Instant at = e.clockSynced() ? e.at() : receivedAt;
            if (!device.get().keyCurrentAt(signer, at)) {
                return reject(topic, batch.deviceId(), QuarantineReason.BAD_SIGNATURE, "event " + e.eventId()
                        + " (seq " + e.seq() + ") recorded at " + at + " is signed with a key of device "
                        + batch.deviceId() + " that was not current then" + (device.get().retired()
                        ? " (the device was retired at " + device.get().retiredAt().get() + ")" : ""), receivedAt, payload);
            }
            Optional<String> room = device.get().roomAt(at);
            if (room.isEmpty()) {
                return reject(topic, batch.deviceId(), QuarantineReason.UNKNOWN_DEVICE, "device " + batch.deviceId()
                        + " was in no room at " + at, receivedAt, payload);
            }
            events.add(new StoredEvent(s, room.get(), receivedAt));
        }
        return new Accepted(batch.deviceId(), events, quarantined);
    }

    private static Rejected reject(String topic, String deviceId, QuarantineReason reason, String detail,
                                   Instant receivedAt, byte[] payload) {
        return new Rejected(QuarantinedMessage.of(topic, deviceId, reason, detail, receivedAt, payload));
    }
}

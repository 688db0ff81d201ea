package cn.xinan.collector.store;

import java.time.Instant;
import java.util.Arrays;
import java.util.Objects;

/**
 * A message the collector rejected, kept apart from the events and never counted.
 *
 * @param topic        the MQTT topic it arrived on
 * @param deviceId     the device it claims to come from, or {@code null} when not known (unreadable payload)
 * @param reason       the category
 * @param detail       what exactly is wrong, for a person (for example the codec's message)
 * @param receivedAt   when the collector received it (collector clock)
 * @param payload      the first {@value #MAX_KEPT_PAYLOAD_BYTES} bytes of the payload at most
 * @param payloadBytes the size of the whole payload
 */
public record QuarantinedMessage(String topic, String deviceId, QuarantineReason reason, String detail,
                                 Instant receivedAt, byte[] payload, int payloadBytes) {
    /** Enough to see what a message was without letting a flood of large messages fill the disk. */
    public static final int MAX_KEPT_PAYLOAD_BYTES = 4096;
    static final int MAX_DETAIL_CHARS = 1000;
    static final int MAX_TOPIC_CHARS = 512;

    public QuarantinedMessage {
        topic = clip(Objects.requireNonNull(topic, "topic is missing"), MAX_TOPIC_CHARS);
        Objects.requireNonNull(reason, "reason is missing");
        detail = clip(detail == null ? "" : detail, MAX_DETAIL_CHARS);
        Objects.requireNonNull(receivedAt, "receive time is missing");
        Objects.requireNonNull(payload, "payload is missing");
        if (payload.length > MAX_KEPT_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("a quarantined payload keeps at most " + MAX_KEPT_PAYLOAD_BYTES
                    + " bytes, use QuarantinedMessage.of to truncate");
        }
        if (payloadBytes < payload.length) {
            throw new IllegalArgumentException("payloadBytes " + payloadBytes + " is less than the kept " + payload.length);
        }
        payload = payload.clone();
    }

    /** A quarantined message keeping at most the first {@value #MAX_KEPT_PAYLOAD_BYTES} bytes of {@code fullPayload}. */
    public static QuarantinedMessage of(String topic, String deviceId, QuarantineReason reason, String detail,
                                        Instant receivedAt, byte[] fullPayload) {
        byte[] p = fullPayload == null ? new byte[0] : fullPayload;
        byte[] kept = p.length > MAX_KEPT_PAYLOAD_BYTES ? Arrays.copyOf(p, MAX_KEPT_PAYLOAD_BYTES) : p;
        return new QuarantinedMessage(topic, deviceId, reason, detail, receivedAt, kept, p.length);
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    public boolean truncated() {
        return payloadBytes > payload.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuarantinedMessage q && topic.equals(q.topic) && Objects.equals(deviceId, q.deviceId)
                && reason == q.reason && detail.equals(q.detail) && receivedAt.equals(q.receivedAt)
                && Arrays.equals(payload, q.payload) && payloadBytes == q.payloadBytes;
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, deviceId, reason, detail, receivedAt, Arrays.hashCode(payload), payloadBytes);
    }

    @Override
    public String toString() {
        return "QuarantinedMessage[topic=" + topic + ", device=" + deviceId + ", reason=" + reason.code()
                + ", detail=" + detail + ", receivedAt=" + receivedAt + ", payloadBytes=" + payloadBytes + "]";
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

package cn.xinan.collector.ingest;

import java.time.Instant;
import java.util.Objects;

/**
 * A message as the transport handed it over, with the way to acknowledge it. The pipeline calls
 * {@link Acknowledgement#ack()} only after the message's events are durably stored or the message is
 * durably quarantined; a message never acknowledged is delivered again by the broker.
 */
public record InboundMessage(String topic, byte[] payload, Instant receivedAt, Acknowledgement acknowledgement) {
    public InboundMessage {
        Objects.requireNonNull(topic, "topic is missing");
        Objects.requireNonNull(payload, "payload is missing");
        Objects.requireNonNull(receivedAt, "receive time is missing");
        Objects.requireNonNull(acknowledgement, "acknowledgement is missing");
    }

    /** Tells the transport that the message is safe: for MQTT, sends its PUBACK. */
    @FunctionalInterface
    public interface Acknowledgement {
        void ack();
    }
}

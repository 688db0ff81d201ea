package cn.xinan.event;

import java.time.Instant;
import java.util.Objects;

/**
 * One event as a device recorded it: the unit that is signed, stored in the outbox, published,
 * verified, stored by the collector and fed to the rules engine.
 *
 * @param eventId     globally unique id (a device-generated UUID); the same id delivered twice counts once
 * @param deviceId    the recording device
 * @param seq         per-device sequence number, 1, 2, 3… in recording order, never reused
 * @param at          the device's clock when it was recorded (a UTC instant, whole milliseconds: stores
 *                    such as InfluxDB keep the sub-millisecond part of a point's time for the sequence)
 * @param clockSynced whether the device clock was synchronised (NTP) when it was recorded
 * @param body        what happened
 */
public record DeviceEvent(String eventId, String deviceId, long seq, Instant at, boolean clockSynced, EventBody body) {
    /**
     * The largest sequence number: 2^53 − 1, the largest integer every JSON reader holds exactly (a double's
     * mantissa: JavaScript in the web UI, Grafana, InfluxQL's {@code max()}). A device recording one event a
     * second would need 285 million years to reach it; a number beyond it is forged or corrupt.
     */
    public static final long MAX_SEQ = (1L << 53) - 1;

    public DeviceEvent {
        Checks.token(eventId, "event id");
        Checks.token(deviceId, "device id");
        if (seq < 1 || seq > MAX_SEQ) {
            throw new IllegalArgumentException("sequence number must be from 1 to " + MAX_SEQ + " (2^53 - 1), was " + seq);
        }
        Objects.requireNonNull(at, "event time is missing");
        if (at.getNano() % 1_000_000 != 0) {
            throw new IllegalArgumentException("event time must be whole milliseconds, was " + at);
        }
        Objects.requireNonNull(body, "event body is missing");
    }

    public EventKind kind() {
        return body.kind();
    }

    /** A device id is a token: 1 to 64 characters of A-Z a-z 0-9 . _ : - (safe as an MQTT topic level). */
    public static String checkDeviceId(String deviceId) {
        return Checks.token(deviceId, "device id");
    }
}

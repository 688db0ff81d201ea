package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * The collectors' end-to-end acknowledgement, retained on {@code {deviceId}/ack} (QoS 1, written by
 * collector accounts only): every event of the device with a sequence number up to {@code through} is
 * durably stored. The device deletes its outbox through it; nothing less (a broker's PUBACK) ends its duty.
 *
 * <pre>{"schema":1,"device":"dev-1","through":42,"id":"5f0c6c1e-…"}</pre>
 *
 * @param through        the highest sequence number below which nothing is missing; 0 when nothing is stored
 * @param throughEventId the event id stored under {@code through}, or {@code null} (optional on the wire): a device
 *                       applies the ack only if that is its own event, so a retained ack left from an earlier life
 *                       of the device id (a re-installed device whose numbering started again) deletes nothing
 */
public record Acknowledgement(String deviceId, long through, String throughEventId) {
    private static final Set<String> FIELDS = Set.of("schema", "device", "through", "id");

    public Acknowledgement {
        DeviceEvent.checkDeviceId(deviceId);
        if (through < 0) {
            throw new IllegalArgumentException("through must not be negative, was " + through);
        }
        if (throughEventId != null && !throughEventId.matches("[A-Za-z0-9._:-]{1,64}")) {
            throw new IllegalArgumentException("id must be an event id (1 to 64 of A-Z a-z 0-9 . _ : -)");
        }
    }

    public byte[] encode() {
        return ("{\"schema\":" + WireCodec.SCHEMA_VERSION + ",\"device\":\"" + deviceId + "\",\"through\":" + through
                + (throughEventId == null ? "" : ",\"id\":\"" + throughEventId + "\"") + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws WireFormatException naming what is wrong */
    public static Acknowledgement decode(byte[] payload) throws WireFormatException {
        Map<String, Object> f = FlatJson.read(payload, "ack", FIELDS);
        try {
            return new Acknowledgement(FlatJson.string(f, "ack", "device", true), FlatJson.number(f, "ack", "through"),
                    FlatJson.string(f, "ack", "id", false));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("ack: " + e.getMessage());
        }
    }
}

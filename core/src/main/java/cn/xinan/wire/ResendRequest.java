package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * A collector's request on {@code {deviceId}/resend} (QoS 1, not retained, collector accounts only): send
 * the events with sequence numbers {@code from} to {@code to} (inclusive) again, those the outbox still
 * holds. A collector sends it when a gap in a device's stored sequence does not fill by itself.
 *
 * <pre>{"schema":1,"device":"dev-1","from":40,"to":41}</pre>
 */
public record ResendRequest(String deviceId, long from, long to) {
    private static final Set<String> FIELDS = Set.of("schema", "device", "from", "to");

    public ResendRequest {
        DeviceEvent.checkDeviceId(deviceId);
        if (from < 1 || to < from) {
            throw new IllegalArgumentException("resend range must be 1 ≤ from ≤ to, was " + from + " to " + to);
        }
    }

    public byte[] encode() {
        return ("{\"schema\":" + WireCodec.SCHEMA_VERSION + ",\"device\":\"" + deviceId + "\",\"from\":" + from
                + ",\"to\":" + to + "}").getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws WireFormatException naming what is wrong */
    public static ResendRequest decode(byte[] payload) throws WireFormatException {
        Map<String, Object> f = FlatJson.read(payload, "resend", FIELDS);
        try {
            return new ResendRequest(FlatJson.string(f, "resend", "device", true), FlatJson.number(f, "resend", "from"),
                    FlatJson.number(f, "resend", "to"));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("resend: " + e.getMessage());
        }
    }
}

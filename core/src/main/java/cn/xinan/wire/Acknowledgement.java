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
 * <pre>{"schema":1,"device":"dev-1","through":42}</pre>
 *
 * @param through the highest sequence number below which nothing is missing; 0 when nothing is stored
 */
public record Acknowledgement(String deviceId, long through) {
    private static final Set<String> FIELDS = Set.of("schema", "device", "through");

    public Acknowledgement {
        DeviceEvent.checkDeviceId(deviceId);
        if (through < 0) {
            throw new IllegalArgumentException("through must not be negative, was " + through);
        }
    }

    public byte[] encode() {
        return ("{\"schema\":" + WireCodec.SCHEMA_VERSION + ",\"device\":\"" + deviceId + "\",\"through\":" + through + "}")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws WireFormatException naming what is wrong */
    public static Acknowledgement decode(byte[] payload) throws WireFormatException {
        Map<String, Object> f = FlatJson.read(payload, "ack", FIELDS);
        try {
            return new Acknowledgement(FlatJson.string(f, "ack", "device", true), FlatJson.number(f, "ack", "through"));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("ack: " + e.getMessage());
        }
    }
}

package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The retained message on {@code {deviceId}/status}. A device publishes {@code online} after it
 * connects and sets {@code offline} as its MQTT last will, so the broker publishes that when the
 * connection is lost. Not signed: it only feeds fleet health, never accounting.
 *
 * <pre>{"schema":1,"device":"dev-1","state":"online","at":"2025-03-03T00:00:00Z","firmware":"0.1.0"}</pre>
 *
 * @param at       when the device published it; {@code null} in a last will (its time is unknown)
 * @param firmware the firmware version, or {@code null}
 */
public record DeviceStatus(String deviceId, boolean online, Instant at, String firmware) {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Instant LATEST_AT = Instant.parse("2100-01-01T00:00:00Z");
    /** What {@link #encode} writes: a version, never markup (the web UI shows it). */
    private static final java.util.regex.Pattern FIRMWARE = java.util.regex.Pattern.compile("[A-Za-z0-9._+-]{1,32}");

    public DeviceStatus {
        DeviceEvent.checkDeviceId(deviceId);
    }

    public byte[] encode() {
        StringBuilder b = new StringBuilder(128).append("{\"schema\":").append(WireCodec.SCHEMA_VERSION)
                .append(",\"device\":\"").append(deviceId).append("\",\"state\":\"").append(online ? "online" : "offline").append('"');
        if (at != null) {
            b.append(",\"at\":\"").append(at).append('"');
        }
        if (firmware != null) {
            b.append(",\"firmware\":\"").append(firmware.replaceAll("[^A-Za-z0-9._+-]", "_")).append('"');
        }
        return b.append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws WireFormatException naming what is wrong */
    public static DeviceStatus decode(byte[] payload) throws WireFormatException {
        if (payload.length > 4096) {
            throw new WireFormatException("status payload of " + payload.length + " bytes exceeds 4096 bytes");
        }
        String device = null;
        Boolean online = null;
        Instant at = null;
        String firmware = null;
        try (JsonParser p = JSON.createParser(Utf8.strict(payload, "status"))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("status: expected an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "schema" -> {
                        if (p.getValueAsInt(-1) != WireCodec.SCHEMA_VERSION) {
                            throw new WireFormatException("status: unsupported schema " + p.getText());
                        }
                    }
                    case "device" -> device = p.getValueAsString();
                    case "state" -> {
                        String s = p.getValueAsString();
                        if (!"online".equals(s) && !"offline".equals(s)) {
                            throw new WireFormatException("status.state: expected online or offline, found " + s);
                        }
                        online = "online".equals(s);
                    }
                    case "at" -> at = Instant.parse(p.getValueAsString());
                    case "firmware" -> firmware = p.getValueAsString();
                    default -> throw new WireFormatException("status: unknown field '" + field + "'");
                }
            }
        } catch (IOException | DateTimeParseException | NullPointerException e) {
            throw new WireFormatException("status: malformed: " + e.getMessage(), e);
        }
        if (device == null || online == null) {
            throw new WireFormatException("status: missing field " + (device == null ? "'device'" : "'state'"));
        }
        if (at != null && (at.isBefore(Instant.EPOCH) || !at.isBefore(LATEST_AT))) {
            throw new WireFormatException("status.at " + at + " is outside 1970 to 2099");
        }
        if (firmware != null && !FIRMWARE.matcher(firmware).matches()) {
            throw new WireFormatException("status.firmware must be 1 to 32 characters of A-Z a-z 0-9 . _ + -");
        }
        try {
            return new DeviceStatus(device, online, at, firmware);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("status: " + e.getMessage());
        }
    }
}

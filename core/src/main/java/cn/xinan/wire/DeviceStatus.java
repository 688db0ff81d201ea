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
 * connection is lost. It feeds fleet health only, never accounting; still, a device signs it
 * ({@link #encodeSigned}, {@link SignedStatus}) so that nobody else can show a room online.
 *
 * <pre>{"schema":1,"device":"dev-1","state":"online","at":"2025-03-03T00:00:00Z","firmware":"0.1.0","sig":"…"}</pre>
 *
 * @param at       when the device published it; {@code null} in a last will (its time is unknown)
 * @param firmware the firmware version (1 to 32 of {@code A-Z a-z 0-9 . _ + -}), or {@code null}
 */
public record DeviceStatus(String deviceId, boolean online, Instant at, String firmware) {
    private static final JsonFactory JSON = new JsonFactory();
    static final byte[] SIGNATURE_DOMAIN = "xinan-status-v1".getBytes(StandardCharsets.US_ASCII);

    public DeviceStatus {
        DeviceEvent.checkDeviceId(deviceId);
        if (firmware != null && !firmware.matches("[A-Za-z0-9._+-]{1,32}")) {
            throw new IllegalArgumentException("firmware version must be 1 to 32 of A-Z a-z 0-9 . _ + -");
        }
    }

    /** The encoding with the device's signature over {@code "xinan-status-v1"} followed by {@link #encode()}. */
    public byte[] encodeSigned(EventSigner signer) {
        byte[] unsigned = encode();
        byte[] sig = signer.signStatus(signedBytes(unsigned));
        String tail = ",\"sig\":\"" + java.util.Base64.getEncoder().encodeToString(sig) + "\"}";
        String body = new String(unsigned, 0, unsigned.length - 1, StandardCharsets.US_ASCII);
        return (body + tail).getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] signedBytes(byte[] unsigned) {
        byte[] out = new byte[SIGNATURE_DOMAIN.length + unsigned.length];
        System.arraycopy(SIGNATURE_DOMAIN, 0, out, 0, SIGNATURE_DOMAIN.length);
        System.arraycopy(unsigned, 0, out, SIGNATURE_DOMAIN.length, unsigned.length);
        return out;
    }

    public byte[] encode() {
        StringBuilder b = new StringBuilder(128).append("{\"schema\":").append(WireCodec.SCHEMA_VERSION)
                .append(",\"device\":\"").append(deviceId).append("\",\"state\":\"").append(online ? "online" : "offline").append('"');
        if (at != null) {
            b.append(",\"at\":\"").append(at).append('"');
        }
        if (firmware != null) {
            b.append(",\"firmware\":\"").append(firmware).append('"');
        }
        return b.append('}').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Decodes a status, signed or not (the signature is not checked: {@link SignedStatus#decode} does that). */
    public static DeviceStatus decode(byte[] payload) throws WireFormatException {
        return SignedStatus.decode(payload).status();
    }

    /** @throws WireFormatException naming what is wrong */
    static SignedStatus decodeWithSignature(byte[] payload) throws WireFormatException {
        if (payload.length > 4096) {
            throw new WireFormatException("status payload of " + payload.length + " bytes exceeds 4096 bytes");
        }
        String device = null;
        Boolean online = null;
        Instant at = null;
        String firmware = null;
        byte[] sig = null;
        try (JsonParser p = JSON.createParser(payload)) {
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
                    case "sig" -> {
                        if (p.currentToken() != JsonToken.VALUE_STRING) {
                            throw new WireFormatException("status.sig: expected a Base64 string");
                        }
                        try {
                            sig = java.util.Base64.getDecoder().decode(p.getText());
                        } catch (IllegalArgumentException e) {
                            throw new WireFormatException("status.sig: not Base64");
                        }
                    }
                    default -> throw new WireFormatException("status: unknown field '" + field + "'");
                }
            }
        } catch (IOException | DateTimeParseException | NullPointerException e) {
            throw new WireFormatException("status: malformed: " + e.getMessage(), e);
        }
        if (device == null || online == null) {
            throw new WireFormatException("status: missing field " + (device == null ? "'device'" : "'state'"));
        }
        try {
            return new SignedStatus(new DeviceStatus(device, online, at, firmware), sig);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("status: " + e.getMessage());
        }
    }
}

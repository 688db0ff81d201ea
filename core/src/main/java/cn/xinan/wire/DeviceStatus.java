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
 * A status with the device's {@link DeviceHealth} is <b>status schema 2</b>: schema 1's fields followed by the
 * health fields, every one of them required (docs/mqtt-contract.md, "Status"). Schema 1 stays valid (older
 * devices, and the last will, which has no health), and a schema 1 status with a health field is an error.
 *
 * @param at       when the device published it; {@code null} in a last will (its time is unknown)
 * @param firmware the firmware version (1 to 32 of {@code A-Z a-z 0-9 . _ + -}), or {@code null}
 * @param health   the device's health (schema 2), or {@code null} (schema 1)
 */
public record DeviceStatus(String deviceId, boolean online, Instant at, String firmware, DeviceHealth health) {
    /** The status schema that adds {@link DeviceHealth}. */
    public static final int HEALTH_SCHEMA = 2;
    private static final java.util.List<String> HEALTH_FIELDS = java.util.List.of("sensorUnchangedOpenSeconds",
            "sensorError", "clockSynced", "clockUnsyncedSeconds", "outboxDepth", "outboxOldestSeconds");

    private static final JsonFactory JSON = new JsonFactory();
    private static final Instant LATEST_AT = Instant.parse("2100-01-01T00:00:00Z");
    /** What {@link #encode} writes: a version, never markup (the web UI shows it). */
    private static final java.util.regex.Pattern FIRMWARE = java.util.regex.Pattern.compile("[A-Za-z0-9._+-]{1,32}");
    static final byte[] SIGNATURE_DOMAIN = "xinan-status-v1".getBytes(StandardCharsets.US_ASCII);

    public DeviceStatus {
        DeviceEvent.checkDeviceId(deviceId);
        if (firmware != null && !firmware.matches("[A-Za-z0-9._+-]{1,32}")) {
            throw new IllegalArgumentException("firmware version must be 1 to 32 of A-Z a-z 0-9 . _ + -");
        }
    }

    /** A schema 1 status: no health. */
    public DeviceStatus(String deviceId, boolean online, Instant at, String firmware) {
        this(deviceId, online, at, firmware, null);
    }

    /** The status schema it is written in: 2 with health, 1 without. */
    public int schema() {
        return health == null ? WireCodec.SCHEMA_VERSION : HEALTH_SCHEMA;
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
        StringBuilder b = new StringBuilder(256).append("{\"schema\":").append(schema())
                .append(",\"device\":\"").append(deviceId).append("\",\"state\":\"").append(online ? "online" : "offline").append('"');
        if (at != null) {
            b.append(",\"at\":\"").append(at).append('"');
        }
        if (firmware != null) {
            b.append(",\"firmware\":\"").append(firmware).append('"');
        }
        if (health != null) {
            health.appendTo(b);
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
        int schema = -1;
        java.util.Map<String, Object> healthFields = new java.util.HashMap<>();
        try (JsonParser p = JSON.createParser(Utf8.strict(payload, "status"))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException("status: expected an object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                switch (field) {
                    case "schema" -> {
                        schema = p.getValueAsInt(-1);
                        if (schema != WireCodec.SCHEMA_VERSION && schema != HEALTH_SCHEMA) {
                            throw new WireFormatException("status: unsupported schema " + p.getText());
                        }
                    }
                    case "sensorError", "clockSynced" -> {
                        if (!p.currentToken().isBoolean()) {
                            throw new WireFormatException("status." + field + ": expected true or false, found " + p.getText());
                        }
                        putOnce(healthFields, field, p.getBooleanValue());
                    }
                    case "sensorUnchangedOpenSeconds", "clockUnsyncedSeconds", "outboxDepth", "outboxOldestSeconds" -> {
                        if (p.currentToken() != JsonToken.VALUE_NUMBER_INT
                                || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                            throw new WireFormatException("status." + field + ": expected a whole number, found " + p.getText());
                        }
                        putOnce(healthFields, field, p.getLongValue());
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
        if (schema == -1) {
            schema = WireCodec.SCHEMA_VERSION; // accepted without one before schema 2 existed: still so
        }
        DeviceHealth health = health(schema, healthFields);
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
            return new SignedStatus(new DeviceStatus(device, online, at, firmware, health), sig);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("status: " + e.getMessage());
        }
    }

    private static void putOnce(java.util.Map<String, Object> fields, String field, Object value) throws WireFormatException {
        if (fields.put(field, value) != null) {
            throw new WireFormatException("status: field '" + field + "' appears twice");
        }
    }

    /** Schema 2 requires every health field (range-checked), schema 1 allows none. */
    private static DeviceHealth health(int schema, java.util.Map<String, Object> fields) throws WireFormatException {
        if (schema == WireCodec.SCHEMA_VERSION) {
            if (!fields.isEmpty()) {
                throw new WireFormatException("status: field '" + fields.keySet().iterator().next()
                        + "' needs status schema " + HEALTH_SCHEMA);
            }
            return null;
        }
        for (String f : HEALTH_FIELDS) {
            if (!fields.containsKey(f)) {
                throw new WireFormatException("status: schema " + HEALTH_SCHEMA + " requires field '" + f + "'");
            }
        }
        try {
            return new DeviceHealth((Long) fields.get("sensorUnchangedOpenSeconds"), (Boolean) fields.get("sensorError"),
                    (Boolean) fields.get("clockSynced"), (Long) fields.get("clockUnsyncedSeconds"),
                    (Long) fields.get("outboxDepth"), (Long) fields.get("outboxOldestSeconds"));
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("status." + e.getMessage());
        }
    }
}

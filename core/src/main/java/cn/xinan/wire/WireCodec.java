package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.EventKind;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Encodes and decodes event batches (docs/mqtt-contract.md). Decoding is strict: an unknown
 * schema version, an unknown or missing field, a wrong type or a payload over the size limit is a
 * {@link WireFormatException} whose message says what and where, so the collector can quarantine
 * the message with that reason.
 *
 * <pre>{"schema":1,"device":"dev-1","events":[{…canonical fields…,"sig":"base64"}],"batchSig":"base64"}</pre>
 */
public final class WireCodec {
    public static final int SCHEMA_VERSION = 1;
    /** Largest accepted payload: a full backlog batch is about 300 bytes × {@link #MAX_EVENTS_PER_BATCH}. */
    public static final int MAX_PAYLOAD_BYTES = 256 * 1024;
    public static final int MAX_EVENTS_PER_BATCH = 500;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(8).maxStringLength(4096).build())
            .build();

    private WireCodec() {
    }

    public static byte[] encode(EventBatch batch) {
        StringBuilder b = new StringBuilder(96 + 300 * batch.events().size());
        b.append("{\"schema\":").append(SCHEMA_VERSION).append(",\"device\":\"").append(batch.deviceId()).append("\",\"events\":[");
        Base64.Encoder base64 = Base64.getEncoder();
        boolean first = true;
        for (SignedEvent e : batch.events()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            CanonicalEncoding.appendFields(b, e.event());
            b.append(",\"sig\":\"").append(base64.encodeToString(e.signatureBytes())).append("\"}");
        }
        b.append(']');
        byte[] batchSig = batch.batchSignature();
        if (batchSig != null) {
            b.append(",\"batchSig\":\"").append(base64.encodeToString(batchSig)).append('"');
        }
        b.append('}');
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** @throws WireFormatException naming what is wrong, for example {@code events[3].seq: expected a number} */
    public static EventBatch decode(byte[] payload) throws WireFormatException {
        if (payload == null || payload.length == 0) {
            throw new WireFormatException("empty payload");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new WireFormatException("payload of " + payload.length + " bytes exceeds the limit of "
                    + MAX_PAYLOAD_BYTES + " bytes");
        }
        try (JsonParser p = JSON.createParser(Utf8.strict(payload, "payload"))) {
            return readBatch(p);
        } catch (JsonProcessingException e) {
            throw new WireFormatException("malformed JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + " column " + e.getLocation().getColumnNr(), e);
        } catch (IOException e) {
            throw new WireFormatException("unreadable payload: " + e.getMessage(), e);
        }
    }

    private static EventBatch readBatch(JsonParser p) throws IOException, WireFormatException {
        expect(p.nextToken(), JsonToken.START_OBJECT, "message");
        Integer schema = null;
        String device = null;
        List<SignedEvent> events = null;
        byte[] batchSig = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "schema" -> {
                    expect(value, JsonToken.VALUE_NUMBER_INT, "schema");
                    schema = p.getIntValue();
                    if (schema != SCHEMA_VERSION) {
                        throw new WireFormatException("unsupported schema version " + schema + ", this collector reads "
                                + SCHEMA_VERSION);
                    }
                }
                case "device" -> device = text(p, value, "device");
                case "events" -> events = readEvents(p, value);
                case "batchSig" -> batchSig = base64(p, value, "batchSig");
                default -> throw new WireFormatException("unknown field '" + field + "' in message");
            }
        }
        if (p.nextToken() != null) {
            throw new WireFormatException("trailing content after the message object");
        }
        if (schema == null) {
            throw new WireFormatException("missing field 'schema'");
        }
        if (device == null) {
            throw new WireFormatException("missing field 'device'");
        }
        if (events == null) {
            throw new WireFormatException("missing field 'events'");
        }
        try {
            return new EventBatch(device, events, batchSig);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(e.getMessage());
        }
    }

    private static List<SignedEvent> readEvents(JsonParser p, JsonToken value) throws IOException, WireFormatException {
        expect(value, JsonToken.START_ARRAY, "events");
        List<SignedEvent> events = new ArrayList<>();
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String where = "events[" + events.size() + "]";
            if (events.size() == MAX_EVENTS_PER_BATCH) {
                throw new WireFormatException("more than " + MAX_EVENTS_PER_BATCH + " events in one message");
            }
            expect(t, JsonToken.START_OBJECT, where);
            events.add(readEvent(p, where));
        }
        return events;
    }

    private static SignedEvent readEvent(JsonParser p, String where) throws IOException, WireFormatException {
        Integer v = null;
        String id = null;
        String device = null;
        Long seq = null;
        Instant at = null;
        Boolean synced = null;
        String kind = null;
        String reason = null;
        Instant prevAliveAt = null;
        String staff = null;
        Boolean occupied = null;
        String purpose = null;
        String stage = null;
        byte[] sig = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            String at2 = where + "." + field;
            switch (field) {
                case "v" -> {
                    expect(value, JsonToken.VALUE_NUMBER_INT, at2);
                    v = p.getIntValue();
                }
                case "id" -> id = text(p, value, at2);
                case "device" -> device = text(p, value, at2);
                case "seq" -> {
                    expect(value, JsonToken.VALUE_NUMBER_INT, at2);
                    seq = p.getLongValue();
                }
                case "at" -> at = instant(p, value, at2);
                case "synced" -> synced = bool(value, at2);
                case "kind" -> kind = text(p, value, at2);
                case "reason" -> reason = text(p, value, at2);
                case "prevAliveAt" -> prevAliveAt = instant(p, value, at2);
                case "staff" -> staff = text(p, value, at2);
                case "occupied" -> occupied = bool(value, at2);
                case "purpose" -> purpose = text(p, value, at2);
                case "stage" -> stage = text(p, value, at2);
                case "sig" -> sig = base64(p, value, at2);
                default -> throw new WireFormatException("unknown field '" + field + "' in " + where);
            }
        }
        require(v, where, "v");
        if (v != CanonicalEncoding.VERSION) {
            throw new WireFormatException(where + ".v: unsupported event encoding version " + v);
        }
        require(id, where, "id");
        require(device, where, "device");
        require(seq, where, "seq");
        require(at, where, "at");
        require(synced, where, "synced");
        require(kind, where, "kind");
        require(sig, where, "sig");
        try {
            EventKind k = EventKind.ofWireName(kind);
            // A field that belongs to another kind is an error: the canonical encoding would drop it,
            // and a signature must never cover less than what was sent.
            allowOnly(where, k, reason != null || prevAliveAt != null, EventKind.BOOT, "reason/prevAliveAt");
            if (staff != null && k != EventKind.STAFF_OPEN && k != EventKind.STAFF_CLOSE) {
                throw new WireFormatException(where + ": field staff does not belong to a " + k.wireName() + " event");
            }
            allowOnly(where, k, occupied != null, EventKind.PRESENCE, "occupied");
            allowOnly(where, k, purpose != null || stage != null, EventKind.CHECKIN, "purpose/stage");
            EventBody body = switch (k) {
                case BOOT -> new EventBody.Boot(require(reason, where, "reason"), prevAliveAt);
                case HEARTBEAT -> new EventBody.Heartbeat();
                case STAFF_OPEN -> new EventBody.StaffOpen(require(staff, where, "staff"));
                case STAFF_CLOSE -> new EventBody.StaffClose(require(staff, where, "staff"));
                case PRESENCE -> new EventBody.Presence(require(occupied, where, "occupied"));
                case CHECKIN -> new EventBody.CheckIn(purpose == null ? null : Purpose.ofWireName(purpose),
                        stage == null ? null : Stage.ofWireName(stage));
            };
            return new SignedEvent(new DeviceEvent(id, device, seq, at, synced, body), sig);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(where + ": " + e.getMessage());
        }
    }

    private static void allowOnly(String where, EventKind kind, boolean present, EventKind owner, String fields)
            throws WireFormatException {
        if (present && kind != owner) {
            throw new WireFormatException(where + ": field " + fields + " does not belong to a " + kind.wireName() + " event");
        }
    }

    private static <T> T require(T value, String where, String field) throws WireFormatException {
        if (value == null) {
            throw new WireFormatException(where + ": missing field '" + field + "'");
        }
        return value;
    }

    private static void expect(JsonToken actual, JsonToken expected, String where) throws WireFormatException {
        if (actual != expected) {
            throw new WireFormatException(where + ": expected " + describe(expected) + ", found " + describe(actual));
        }
    }

    private static String describe(JsonToken t) {
        if (t == null) {
            return "end of input";
        }
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.asString() == null ? t.name() : "'" + t.asString() + "'";
        };
    }

    private static String text(JsonParser p, JsonToken value, String where) throws IOException, WireFormatException {
        expect(value, JsonToken.VALUE_STRING, where);
        return p.getText();
    }

    private static Boolean bool(JsonToken value, String where) throws WireFormatException {
        if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
            throw new WireFormatException(where + ": expected a boolean, found " + describe(value));
        }
        return value == JsonToken.VALUE_TRUE;
    }

    private static Instant instant(JsonParser p, JsonToken value, String where) throws IOException, WireFormatException {
        String s = text(p, value, where);
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            throw new WireFormatException(where + ": not an ISO-8601 UTC instant: \"" + s + "\"");
        }
    }

    private static byte[] base64(JsonParser p, JsonToken value, String where) throws IOException, WireFormatException {
        String s = text(p, value, where);
        try {
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException(where + ": not Base64");
        }
    }
}

package cn.xinan.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Reads the small flat control messages of the contract ({@code ack}, {@code resend}, {@code status}):
 * one JSON object of strings, integers and booleans, only the allowed field names, each at most once.
 */
final class FlatJson {
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(2).maxStringLength(1024).build())
            .build();
    static final int MAX_BYTES = 4096;

    private FlatJson() {
    }

    /**
     * @param what    the message's name for error messages, e.g. {@code ack}
     * @param allowed the field names it may have
     * @return field name to value ({@code String}, {@code Long} or {@code Boolean}), in the payload's order
     */
    static Map<String, Object> read(byte[] payload, String what, Set<String> allowed) throws WireFormatException {
        if (payload == null || payload.length == 0) {
            throw new WireFormatException(what + ": empty payload");
        }
        if (payload.length > MAX_BYTES) {
            throw new WireFormatException(what + ": payload of " + payload.length + " bytes exceeds " + MAX_BYTES + " bytes");
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(payload)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new WireFormatException(what + ": expected a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                if (!allowed.contains(field)) {
                    throw new WireFormatException(what + ": unknown field '" + field + "'");
                }
                JsonToken t = p.nextToken();
                Object value = switch (t) {
                    case VALUE_STRING -> p.getText();
                    case VALUE_NUMBER_INT -> {
                        if (p.getNumberType() != JsonParser.NumberType.INT && p.getNumberType() != JsonParser.NumberType.LONG) {
                            throw new WireFormatException(what + "." + field + ": number out of range");
                        }
                        yield p.getLongValue();
                    }
                    case VALUE_TRUE, VALUE_FALSE -> p.getBooleanValue();
                    default -> throw new WireFormatException(what + "." + field + ": expected a string, integer or boolean");
                };
                if (fields.put(field, value) != null) {
                    throw new WireFormatException(what + ": field '" + field + "' appears twice");
                }
            }
            if (p.nextToken() != null) {
                throw new WireFormatException(what + ": trailing content after the object");
            }
        } catch (IOException e) {
            throw new WireFormatException(what + ": malformed JSON: " + e.getMessage(), e);
        }
        Object schema = fields.get("schema");
        if (!Long.valueOf(WireCodec.SCHEMA_VERSION).equals(schema)) {
            throw new WireFormatException(what + ": unsupported or missing schema " + schema);
        }
        return fields;
    }

    static String string(Map<String, Object> fields, String what, String field, boolean required) throws WireFormatException {
        Object v = fields.get(field);
        if (v == null && !required) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new WireFormatException(what + "." + field + ": " + (v == null ? "missing" : "expected a string"));
        }
        return s;
    }

    static long number(Map<String, Object> fields, String what, String field) throws WireFormatException {
        Object v = fields.get(field);
        if (!(v instanceof Long n)) {
            throw new WireFormatException(what + "." + field + ": " + (v == null ? "missing" : "expected an integer"));
        }
        return n;
    }
}

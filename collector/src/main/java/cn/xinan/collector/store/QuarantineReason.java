package cn.xinan.collector.store;

/**
 * Why a message was not accepted. The set is closed and small on purpose: it is a tag in InfluxDB and a
 * label of the quarantine metric, so it must never grow with the input.
 */
public enum QuarantineReason {
    /** Larger than {@link cn.xinan.wire.WireCodec#MAX_PAYLOAD_BYTES}. */
    PAYLOAD_TOO_LARGE("payload_too_large"),
    /** Not JSON, or JSON that breaks the wire contract (the detail is the codec's message). */
    MALFORMED("malformed"),
    /** Published on a topic that is not {@code {deviceId}/events} of the batch's own device. */
    FOREIGN_TOPIC("foreign_topic"),
    /** The device is not in the registry. */
    UNKNOWN_DEVICE("unknown_device"),
    /** A signature does not verify with the device's registered key. */
    BAD_SIGNATURE("bad_signature"),
    /**
     * A synchronised device time too far in the future or before the earliest plausible date, or any device
     * time (synchronised or not) outside the range every store can hold (docs/collector.md).
     */
    IMPLAUSIBLE_TIME("implausible_time"),
    /** The store refused this message's events as data it cannot hold (not an outage: a retry cannot help). */
    STORE_REFUSED("store_refused"),
    /** Handling this message failed in a way no check foresaw (a bug): kept here so the stream goes on. */
    INTERNAL_ERROR("internal_error");

    private final String code;

    QuarantineReason(String code) {
        this.code = code;
    }

    /** The stable name used in storage, metrics and JSON. */
    public String code() {
        return code;
    }

    public static QuarantineReason ofCode(String code) {
        for (QuarantineReason r : values()) {
            if (r.code.equals(code)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown quarantine reason '" + code + "'");
    }
}

package cn.xinan.wire;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;

import java.nio.charset.StandardCharsets;

/**
 * The bytes a device signs for one event: compact JSON with the fields in a fixed order and nothing
 * else. Every string in an event is a token ({@code [A-Za-z0-9._:-]}, checked by the value types) or
 * an enum's wire name, so no escaping is ever needed and the encoding is a pure function of the
 * event's values: the collector re-encodes the event it parsed and checks the signature over that.
 *
 * <pre>{"v":1,"id":"…","device":"…","seq":7,"at":"2025-03-03T00:00:00Z","synced":true,"kind":"staff_open","staff":"T01"}</pre>
 */
public final class CanonicalEncoding {
    /** Version of this encoding; a change to it is a new version, never an edit. */
    public static final int VERSION = 1;

    private CanonicalEncoding() {
    }

    public static byte[] bytes(DeviceEvent event) {
        StringBuilder b = new StringBuilder(160);
        appendFields(b, event);
        b.append('}');
        return b.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Appends the canonical fields without the closing brace, so the wire form can add its signature. */
    static void appendFields(StringBuilder b, DeviceEvent e) {
        b.append("{\"v\":").append(VERSION)
                .append(",\"id\":\"").append(e.eventId())
                .append("\",\"device\":\"").append(e.deviceId())
                .append("\",\"seq\":").append(e.seq())
                .append(",\"at\":\"").append(e.at())
                .append("\",\"synced\":").append(e.clockSynced())
                .append(",\"kind\":\"").append(e.kind().wireName()).append('"');
        switch (e.body()) {
            case EventBody.Boot boot -> {
                b.append(",\"reason\":\"").append(boot.reason()).append('"');
                if (boot.previousAliveAt() != null) {
                    b.append(",\"prevAliveAt\":\"").append(boot.previousAliveAt()).append('"');
                }
            }
            case EventBody.Heartbeat ignored -> {
            }
            case EventBody.StaffOpen open -> b.append(",\"staff\":\"").append(open.staff()).append('"');
            case EventBody.StaffClose close -> b.append(",\"staff\":\"").append(close.staff()).append('"');
            case EventBody.Presence presence -> b.append(",\"occupied\":").append(presence.occupied());
            case EventBody.CheckIn checkIn -> {
                if (checkIn.purpose() != null) {
                    b.append(",\"purpose\":\"").append(checkIn.purpose().wireName()).append('"');
                }
                if (checkIn.stage() != null) {
                    b.append(",\"stage\":\"").append(checkIn.stage().wireName()).append('"');
                }
            }
        }
    }
}

package cn.xinan.collector.store;

import cn.xinan.event.EventBody;
import cn.xinan.event.EventKind;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;

import java.time.Instant;

/**
 * The kind-specific part of an event flattened into nullable columns (SQLite) or fields (InfluxDB), the
 * same for both adapters, so the stored form reads back into exactly the event that was signed.
 *
 * @param reason          boot reason ({@code boot})
 * @param prevAliveAtMs   previous run's last sign of life, epoch milliseconds ({@code boot}, optional)
 * @param staff           staff code ({@code staff_open}, {@code staff_close})
 * @param occupied        sensor level ({@code presence})
 * @param purpose         check-in purpose wire name ({@code checkin}, optional)
 * @param stage           check-in school stage wire name ({@code checkin}, optional)
 */
public record BodyColumns(String reason, Long prevAliveAtMs, String staff, Boolean occupied, String purpose,
                          String stage) {

    public static BodyColumns of(EventBody body) {
        return switch (body) {
            case EventBody.Boot b -> new BodyColumns(b.reason(),
                    b.previousAliveAt() == null ? null : b.previousAliveAt().toEpochMilli(), null, null, null, null);
            case EventBody.Heartbeat ignored -> new BodyColumns(null, null, null, null, null, null);
            case EventBody.StaffOpen o -> new BodyColumns(null, null, o.staff(), null, null, null);
            case EventBody.StaffClose c -> new BodyColumns(null, null, c.staff(), null, null, null);
            case EventBody.Presence p -> new BodyColumns(null, null, null, p.occupied(), null, null);
            case EventBody.CheckIn c -> new BodyColumns(null, null, null, null,
                    c.purpose() == null ? null : c.purpose().wireName(), c.stage() == null ? null : c.stage().wireName());
        };
    }

    /** @throws StoreException when a stored row lacks what its kind needs (a corrupted or foreign row) */
    public EventBody toBody(EventKind kind) {
        try {
            return switch (kind) {
                case BOOT -> new EventBody.Boot(reason, prevAliveAtMs == null ? null : Instant.ofEpochMilli(prevAliveAtMs));
                case HEARTBEAT -> new EventBody.Heartbeat();
                case STAFF_OPEN -> new EventBody.StaffOpen(staff);
                case STAFF_CLOSE -> new EventBody.StaffClose(staff);
                case PRESENCE -> {
                    if (occupied == null) {
                        throw new IllegalArgumentException("presence without 'occupied'");
                    }
                    yield new EventBody.Presence(occupied);
                }
                case CHECKIN -> new EventBody.CheckIn(purpose == null ? null : Purpose.ofWireName(purpose),
                        stage == null ? null : Stage.ofWireName(stage));
            };
        } catch (IllegalArgumentException e) {
            throw new StoreException("stored " + kind.wireName() + " event is unreadable: " + e.getMessage(), e);
        }
    }
}

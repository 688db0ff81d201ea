package cn.xinan.rules.testkit;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixture: writes a room's device log in local Asia/Shanghai times, for example
 * {@code RoomLog.on(monday).boot("07:50").open("08:00").occupied("08:00").close("10:00")}. Event ids are
 * {@code deviceId-seq}; every event is recorded with a synchronised clock unless made with {@link #unsynced()}.
 */
public final class RoomLog {
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private final List<DeviceEvent> events = new ArrayList<>();
    private final Map<String, Long> seqByDevice = new HashMap<>();
    private LocalDate date;
    private String deviceId = "dev-a";
    private boolean nextUnsynced;

    private RoomLog(LocalDate date) {
        this.date = date;
    }

    public static RoomLog on(LocalDate date) {
        return new RoomLog(date);
    }

    /** Further events are on {@code newDate}. */
    public RoomLog day(LocalDate newDate) {
        this.date = newDate;
        return this;
    }

    /** Further events come from {@code newDeviceId} (a replaced device). */
    public RoomLog device(String newDeviceId) {
        this.deviceId = newDeviceId;
        return this;
    }

    /** The next event is recorded with an unsynchronised clock. */
    public RoomLog unsynced() {
        this.nextUnsynced = true;
        return this;
    }

    public RoomLog boot(String time) {
        return add(time, new EventBody.Boot("power_on", null));
    }

    public RoomLog heartbeat(String time) {
        return add(time, new EventBody.Heartbeat());
    }

    /** Heartbeats every 60 s after {@code from} up to and including {@code to}, on the current date. */
    public RoomLog heartbeats(String from, String to) {
        Instant end = instant(to);
        for (Instant t = instant(from).plusSeconds(60); !t.isAfter(end); t = t.plusSeconds(60)) {
            add(t, new EventBody.Heartbeat());
        }
        return this;
    }

    public RoomLog open(String time) {
        return add(time, new EventBody.StaffOpen("T01"));
    }

    public RoomLog close(String time) {
        return add(time, new EventBody.StaffClose("T01"));
    }

    public RoomLog occupied(String time) {
        return add(time, new EventBody.Presence(true));
    }

    public RoomLog vacant(String time) {
        return add(time, new EventBody.Presence(false));
    }

    public RoomLog checkin(String time) {
        return add(time, new EventBody.CheckIn(Purpose.INDIVIDUAL, Stage.PRIMARY));
    }

    public List<DeviceEvent> events() {
        return List.copyOf(events);
    }

    public Instant instant(String time) {
        return date.atTime(LocalTime.parse(time)).atZone(ZONE).toInstant();
    }

    private RoomLog add(String time, EventBody body) {
        return add(instant(time), body);
    }

    private RoomLog add(Instant at, EventBody body) {
        long seq = seqByDevice.merge(deviceId, 1L, Long::sum);
        events.add(new DeviceEvent(deviceId + "-" + seq, deviceId, seq, at, !nextUnsynced, body));
        nextUnsynced = false;
        return this;
    }
}

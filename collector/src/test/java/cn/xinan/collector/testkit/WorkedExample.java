package cn.xinan.collector.testkit;

import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.wire.SignedEvent;

import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The worked example of docs/rules.md §8 as device events: Monday 2025-03-03, power on 07:50, heartbeats every
 * minute, open 08:00–10:00 with a 50-minute vacancy, open 15:00–15:40 with a check-in at 15:20. Attended
 * 6,600 s of 9,600 s open: MET.
 */
public final class WorkedExample {
    public static final LocalDate DAY = LocalDate.of(2025, 3, 3);
    private static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private WorkedExample() {
    }

    public static List<SignedEvent> events(TestDevice d) {
        List<SignedEvent> out = new ArrayList<>();
        out.add(d.event(at(7, 50), new EventBody.Boot("power_on", null)));
        for (ZonedDateTime t = DAY.atTime(7, 51).atZone(ZONE); t.toLocalTime().isBefore(LocalTime.of(16, 1));
             t = t.plusMinutes(1)) {
            LocalTime lt = t.toLocalTime();
            if (lt.equals(LocalTime.of(8, 0))) {
                out.add(d.event(at(8, 0), new EventBody.StaffOpen("T01")));
                out.add(d.event(at(8, 0), new EventBody.Presence(true)));
            } else if (lt.equals(LocalTime.of(8, 20))) {
                out.add(d.event(at(8, 20), new EventBody.Presence(false)));
            } else if (lt.equals(LocalTime.of(9, 10))) {
                out.add(d.event(at(9, 10), new EventBody.Presence(true)));
            } else if (lt.equals(LocalTime.of(10, 0))) {
                out.add(d.event(at(10, 0), new EventBody.Presence(false)));
                out.add(d.event(at(10, 0), new EventBody.StaffClose("T01")));
            } else if (lt.equals(LocalTime.of(15, 0))) {
                out.add(d.event(at(15, 0), new EventBody.StaffOpen("T01")));
                out.add(d.event(at(15, 0), new EventBody.Presence(true)));
            } else if (lt.equals(LocalTime.of(15, 5))) {
                out.add(d.event(at(15, 5), new EventBody.Presence(false)));
            } else if (lt.equals(LocalTime.of(15, 20))) {
                out.add(d.event(at(15, 20), new EventBody.CheckIn(Purpose.INDIVIDUAL, null)));
            } else if (lt.equals(LocalTime.of(15, 40))) {
                out.add(d.event(at(15, 40), new EventBody.StaffClose("T01")));
            }
            out.add(d.heartbeat(t.toInstant()));
        }
        return out;
    }

    private static java.time.Instant at(int hour, int minute) {
        return DAY.atTime(hour, minute).atZone(ZONE).toInstant();
    }
}

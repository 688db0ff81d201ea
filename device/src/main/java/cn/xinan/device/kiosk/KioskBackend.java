package cn.xinan.device.kiosk;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;

import java.util.Map;

/** What the kiosk screen needs from the firmware (the device facade implements it). */
public interface KioskBackend {
    /** The start screen: whether the room is open, online, and the progress figures. */
    record Status(boolean open, boolean online, RoomProgress.Figures figures) {
    }

    Status status();

    /** An anonymous check-in; purpose and stage may be {@code null}. */
    DeviceEvent checkIn(Purpose purpose, Stage stage);

    DeviceEvent staffOpen(String staffCode);

    DeviceEvent staffClose(String staffCode);

    /**
     * Device health for staff, in display order. Values: strings, numbers, booleans, instants, durations,
     * {@link cn.xinan.device.clock.ClockWatch.Jump}, null; the kiosk shows instants in its time zone and
     * durations in words.
     */
    Map<String, Object> health();
}

package cn.xinan.event;

/**
 * What happened in a room, as the device recorded it. Switch over it exhaustively: a new kind of
 * event is a compile error everywhere it must be handled.
 *
 * <p>Privacy (docs/rules.md §7): no kind carries any student identity. A check-in has at most a coarse
 * purpose and a school stage; staff actions carry the staff code, which is employee data.
 */
public sealed interface EventBody
        permits EventBody.Boot, EventBody.Heartbeat, EventBody.StaffOpen, EventBody.StaffClose,
        EventBody.Presence, EventBody.CheckIn {

    /** The wire name of this kind, for example {@code staff_open}. */
    EventKind kind();

    /**
     * The device started. The room is closed after a boot (docs/rules.md §2).
     *
     * @param reason         why it started, for example {@code power_on}, {@code watchdog}, {@code restart}
     * @param previousAliveAt when the previous run last recorded anything, or {@code null} if unknown (first boot)
     */
    record Boot(String reason, java.time.Instant previousAliveAt) implements EventBody {
        public Boot {
            Checks.token(reason, "boot reason");
        }

        @Override
        public EventKind kind() {
            return EventKind.BOOT;
        }
    }

    /** A sign of life, every heartbeat interval (60 s by default). */
    record Heartbeat() implements EventBody {
        @Override
        public EventKind kind() {
            return EventKind.HEARTBEAT;
        }
    }

    /** A staff member opened the room (or confirmed it open) at the kiosk or with the sign switch. */
    record StaffOpen(String staff) implements EventBody {
        public StaffOpen {
            Checks.token(staff, "staff code");
        }

        @Override
        public EventKind kind() {
            return EventKind.STAFF_OPEN;
        }
    }

    /** A staff member closed the room (or confirmed it closed). */
    record StaffClose(String staff) implements EventBody {
        public StaffClose {
            Checks.token(staff, "staff code");
        }

        @Override
        public EventKind kind() {
            return EventKind.STAFF_CLOSE;
        }
    }

    /** The presence sensor reports a level: occupied or vacant. */
    record Presence(boolean occupied) implements EventBody {
        @Override
        public EventKind kind() {
            return EventKind.PRESENCE;
        }
    }

    /**
     * A student checked in at the kiosk: anonymous, one tap.
     *
     * @param purpose optional coarse purpose, {@code null} when not given
     * @param stage   optional school stage, {@code null} when not given
     */
    record CheckIn(Purpose purpose, Stage stage) implements EventBody {
        @Override
        public EventKind kind() {
            return EventKind.CHECKIN;
        }
    }
}

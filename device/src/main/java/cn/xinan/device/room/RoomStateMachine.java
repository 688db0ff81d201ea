package cn.xinan.device.room;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

/**
 * The room as the device sees it: closed/open and presence, turned into events (RULES.md).
 *
 * <ul>
 *   <li>After {@link #boot} the room is closed and vacant.</li>
 *   <li>A staff open while open, or close while closed, is recorded (someone was there: presence
 *       evidence) but changes no state.</li>
 *   <li>A presence report of the level already known is not recorded (the rules engine would treat
 *       it as no change anyway); only level changes are.</li>
 *   <li>Heartbeats fall at boot + k × interval. Before every input, the heartbeats due at or before
 *       the input's time are recorded first, each with its own time ({@link #advanceTo}).</li>
 * </ul>
 *
 * Every method records the event through the {@link EventSink} first and changes the state only
 * once that returned: a failed write leaves the state as it was. Thread-safe (inputs may come from
 * the kiosk, a GPIO listener and the heartbeat timer).
 */
public final class RoomStateMachine {
    private final EventSink sink;
    private final Clock clock;
    private final Duration heartbeatInterval;
    private RoomState state;
    private HeartbeatSchedule heartbeats;

    public RoomStateMachine(EventSink sink, Clock clock, Duration heartbeatInterval) {
        this.sink = Objects.requireNonNull(sink, "event sink is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.heartbeatInterval = Objects.requireNonNull(heartbeatInterval, "heartbeat interval is missing");
        if (heartbeatInterval.isNegative() || heartbeatInterval.isZero()) {
            throw new IllegalArgumentException("heartbeat interval must be positive, was " + heartbeatInterval);
        }
    }

    /**
     * Records the boot and starts the heartbeat phase at its time.
     *
     * @param previousAliveAt the last event time of the previous run, {@code null} on a first boot
     */
    public synchronized DeviceEvent boot(String reason, Instant previousAliveAt) {
        if (state != null) {
            throw new IllegalStateException("already booted");
        }
        Instant now = now();
        DeviceEvent event = sink.record(new EventBody.Boot(reason, previousAliveAt), now);
        state = RoomState.AFTER_BOOT;
        heartbeats = new HeartbeatSchedule(event.at(), heartbeatInterval);
        return event;
    }

    public synchronized DeviceEvent staffOpen(String staff) {
        return staffOpen(staff, now());
    }

    /** A staff open that happened at {@code at} (a debounced sign switch: when its debounce ended). */
    public synchronized DeviceEvent staffOpen(String staff, Instant at) {
        Instant now = beforeInput(at);
        DeviceEvent event = sink.record(new EventBody.StaffOpen(staff), now);
        state = state.withOpen(true);
        return event;
    }

    public synchronized DeviceEvent staffClose(String staff) {
        return staffClose(staff, now());
    }

    public synchronized DeviceEvent staffClose(String staff, Instant at) {
        Instant now = beforeInput(at);
        DeviceEvent event = sink.record(new EventBody.StaffClose(staff), now);
        state = state.withOpen(false);
        return event;
    }

    /** @return the recorded event, or empty when the level is the one already known (not recorded) */
    public synchronized Optional<DeviceEvent> presence(boolean occupied) {
        return presence(occupied, now());
    }

    /** A filtered presence change that took effect at {@code at} (end of a debounce or a hold). */
    public synchronized Optional<DeviceEvent> presence(boolean occupied, Instant at) {
        Instant now = beforeInput(at);
        if (state.occupied() == occupied) {
            return Optional.empty();
        }
        DeviceEvent event = sink.record(new EventBody.Presence(occupied), now);
        state = state.withOccupied(occupied);
        return Optional.of(event);
    }

    /** An anonymous check-in; purpose and stage may each be {@code null}. */
    public synchronized DeviceEvent checkIn(Purpose purpose, Stage stage) {
        Instant now = beforeInput(now());
        return sink.record(new EventBody.CheckIn(purpose, stage), now);
    }

    /**
     * Records, in order and each with its own time, every heartbeat due at or before {@code now}.
     *
     * @return how many were recorded (a full outbox may leave some out)
     */
    public synchronized int advanceTo(Instant now) {
        requireBooted();
        int recorded = 0;
        while (heartbeats.isDueBy(now)) {
            // one at a time: a failed write leaves this heartbeat due
            if (sink.record(new EventBody.Heartbeat(), heartbeats.nextDue()) != null) {
                recorded++;
            }
            heartbeats.advance();
        }
        return recorded;
    }

    /** When the next heartbeat is due (for a real-time timer). */
    public synchronized Instant nextHeartbeatDue() {
        requireBooted();
        return heartbeats.nextDue();
    }

    /** The current state; {@code null} before boot. */
    public synchronized RoomState state() {
        return state;
    }

    /**
     * The wall clock stepped by {@code jump} (NTP sync on a Pi without a battery clock, or a manual
     * change): heartbeats stay on the same real-time phase, so the schedule moves with the clock
     * instead of catching up hours of heartbeats in a burst (or pausing for hours).
     */
    public synchronized void clockJumped(Duration jump) {
        requireBooted();
        heartbeats.shift(jump);
    }

    private Instant beforeInput(Instant at) {
        requireBooted();
        Instant now = at.truncatedTo(ChronoUnit.MILLIS);
        advanceTo(now);
        return now;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void requireBooted() {
        if (state == null) {
            throw new IllegalStateException("the device has not booted");
        }
    }
}

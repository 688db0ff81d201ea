package cn.xinan.device.room;

import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;

import java.time.Instant;

/** Where the room state machine records events: durably, before it changes any state. */
@FunctionalInterface
public interface EventSink {
    /**
     * Records {@code body} at {@code at} and returns the recorded event once it is durable; a heartbeat
     * that a full outbox leaves out (docs/device.md) returns {@code null}.
     *
     * @throws RuntimeException when it could not be recorded; the caller then changes nothing
     */
    DeviceEvent record(EventBody body, Instant at);
}

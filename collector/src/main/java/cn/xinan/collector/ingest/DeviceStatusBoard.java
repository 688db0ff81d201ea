package cn.xinan.collector.ingest;

import cn.xinan.wire.DeviceStatus;
import cn.xinan.wire.WireFormatException;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the collector knows of each device's connection: the retained {@code {deviceId}/status} message
 * (online, or offline by the device's last will) and when its last event arrived. Feeds fleet health only,
 * never accounting.
 */
public final class DeviceStatusBoard {
    private static final System.Logger LOG = System.getLogger(DeviceStatusBoard.class.getName());

    /** One device as seen: {@code online} is {@code null} when no status message has arrived. */
    public record DeviceState(Boolean online, Instant statusAt, String firmware, Instant lastEventReceivedAt) {
    }

    private final ConcurrentHashMap<String, DeviceState> states = new ConcurrentHashMap<>();

    /** Applies a status message; a payload that does not parse, or names another device, is logged and ignored. */
    public void statusMessage(String topic, byte[] payload) {
        DeviceStatus status;
        try {
            status = DeviceStatus.decode(payload);
        } catch (WireFormatException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring status message on " + topic + ": " + e.getMessage());
            return;
        }
        if (!topic.equals(status.deviceId() + "/status")) {
            LOG.log(System.Logger.Level.WARNING, "ignoring status of device " + status.deviceId() + " published on " + topic);
            return;
        }
        states.merge(status.deviceId(), new DeviceState(status.online(), status.at(), status.firmware(), null),
                (old, neu) -> new DeviceState(neu.online(), neu.statusAt(), neu.firmware(), old.lastEventReceivedAt()));
    }

    void eventReceived(String deviceId, Instant receivedAt) {
        states.merge(deviceId, new DeviceState(null, null, null, receivedAt),
                (old, neu) -> new DeviceState(old.online(), old.statusAt(), old.firmware(), receivedAt));
    }

    public Optional<DeviceState> state(String deviceId) {
        return Optional.ofNullable(states.get(deviceId));
    }

    public Map<String, DeviceState> all() {
        return Map.copyOf(states);
    }
}

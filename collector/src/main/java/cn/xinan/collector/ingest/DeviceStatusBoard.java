package cn.xinan.collector.ingest;

import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.wire.DeviceStatus;
import cn.xinan.wire.SignedStatus;
import cn.xinan.wire.WireFormatException;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the collector knows of each device's connection: the retained {@code {deviceId}/status} message
 * (online, or offline by the device's last will) and when its last event arrived. Feeds fleet health only,
 * never accounting. A status counts only when it is signed by the registered key of the device its topic
 * names (docs/mqtt-contract.md, "Status"); any other is ignored and counted ({@link #statusRejected()}).
 */
public final class DeviceStatusBoard {
    private static final System.Logger LOG = System.getLogger(DeviceStatusBoard.class.getName());

    /** One device as seen: {@code online} is {@code null} when no status message has arrived. */
    public record DeviceState(Boolean online, Instant statusAt, String firmware, Instant lastEventReceivedAt) {
    }

    private final ConcurrentHashMap<String, DeviceState> states = new ConcurrentHashMap<>();
    private final Registry registry;
    private final LongAdder rejected = new LongAdder();

    /** @param registry whose device keys sign the status messages */
    public DeviceStatusBoard(Registry registry) {
        this.registry = Objects.requireNonNull(registry, "registry is missing");
    }

    /**
     * Applies a status message; one that does not parse, names another device than its topic, comes from an
     * unregistered device, is unsigned or does not verify is logged, counted and ignored.
     */
    public void statusMessage(String topic, byte[] payload) {
        SignedStatus signed;
        try {
            signed = SignedStatus.decode(payload);
        } catch (WireFormatException e) {
            reject("ignoring status message on " + topic + ": " + e.getMessage());
            return;
        }
        DeviceStatus status = signed.status();
        if (!topic.equals(status.deviceId() + "/status")) {
            reject("ignoring status of device " + status.deviceId() + " published on " + topic);
            return;
        }
        Optional<DeviceRecord> device = registry.device(status.deviceId());
        if (device.isEmpty()) {
            reject("ignoring status of unregistered device " + status.deviceId());
            return;
        }
        if (!signed.verifies(device.get().publicKey())) {
            reject("ignoring " + (signed.isSigned() ? "a status whose signature does not verify" : "an unsigned status")
                    + " on " + topic);
            return;
        }
        states.merge(status.deviceId(), new DeviceState(status.online(), status.at(), status.firmware(), null),
                (old, neu) -> new DeviceState(neu.online(), neu.statusAt(), neu.firmware(), old.lastEventReceivedAt()));
    }

    private void reject(String why) {
        rejected.increment();
        LOG.log(System.Logger.Level.WARNING, why);
    }

    /** Status messages ignored since start: unparsable, foreign, unregistered, unsigned or not verifying. */
    public long statusRejected() {
        return rejected.sum();
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

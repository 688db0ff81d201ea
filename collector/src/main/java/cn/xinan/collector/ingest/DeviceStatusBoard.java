package cn.xinan.collector.ingest;

import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.wire.DeviceHealth;
import cn.xinan.wire.DeviceStatus;
import cn.xinan.wire.SignedStatus;
import cn.xinan.wire.WireFormatException;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 *
 * <p>A status of schema 2 carries the device's health (docs/mqtt-contract.md, "Status schema 2"): the board keeps the
 * latest, when it arrived, and the outbox depths of the last {@link #KEPT_DEPTHS} health reports, so the warnings can
 * tell a growing backlog from a steady one (docs/warnings.md). The last will carries no health: the latest one stays.
 */
public final class DeviceStatusBoard {
    private static final System.Logger LOG = System.getLogger(DeviceStatusBoard.class.getName());

    /** How many health reports' outbox depths are kept per device. */
    public static final int KEPT_DEPTHS = 16;

    /**
     * One device as seen: {@code online} is {@code null} when no status message has arrived.
     *
     * @param health           the latest health the device reported (status schema 2), {@code null} if none
     * @param healthReceivedAt when that health arrived (collector clock), {@code null} if none
     * @param recentDepths     the outbox depths of the last health reports, oldest first (at most {@link #KEPT_DEPTHS})
     */
    public record DeviceState(Boolean online, Instant statusAt, String firmware, Instant lastEventReceivedAt,
                              DeviceHealth health, Instant healthReceivedAt, List<Long> recentDepths) {
        public DeviceState {
            recentDepths = List.copyOf(recentDepths);
        }

        private DeviceState withEventAt(Instant receivedAt) {
            return new DeviceState(online, statusAt, firmware, receivedAt, health, healthReceivedAt, recentDepths);
        }

        /** This state after {@code status} arrived at {@code receivedAt}. */
        private DeviceState after(DeviceStatus status, Instant receivedAt) {
            if (status.health() == null) {
                return new DeviceState(status.online(), status.at(), status.firmware(), lastEventReceivedAt, health,
                        healthReceivedAt, recentDepths);
            }
            List<Long> depths = new ArrayList<>(recentDepths);
            // the same retained status again (a collector reconnect re-delivers it) is not a new report
            boolean repeat = health != null && status.at() != null && status.at().equals(statusAt);
            if (!repeat) {
                depths.add(status.health().outboxDepth());
                if (depths.size() > KEPT_DEPTHS) {
                    depths.remove(0);
                }
            }
            return new DeviceState(status.online(), status.at(), status.firmware(), lastEventReceivedAt,
                    status.health(), receivedAt, depths);
        }
    }

    private static final DeviceState UNSEEN = new DeviceState(null, null, null, null, null, null, List.of());

    private final ConcurrentHashMap<String, DeviceState> states = new ConcurrentHashMap<>();
    private final Registry registry;
    private final LongAdder rejected = new LongAdder();
    private final Clock clock;

    /** @param registry whose device keys sign the status messages */
    public DeviceStatusBoard(Registry registry) {
        this(registry, Clock.systemUTC());
    }

    /**
     * @param registry whose device keys sign the status messages
     * @param clock    when a health report arrived
     */
    public DeviceStatusBoard(Registry registry, Clock clock) {
        this.registry = Objects.requireNonNull(registry, "registry is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
    }

    /**
     * Applies a status message; one that does not parse, names another device than its topic, comes from an
     * unregistered device, is unsigned or does not verify is logged, counted and ignored.
     */
    public void statusMessage(String topic, byte[] payload) {
        try {
            apply(topic, payload);
        } catch (RuntimeException e) {
            // a status feeds fleet health only: whatever goes wrong with one must never stop ingest
            reject("ignoring status message on " + topic + ": " + e);
        }
    }

    private void apply(String topic, byte[] payload) {
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
        Instant receivedAt = clock.instant();
        states.compute(status.deviceId(), (id, old) -> (old == null ? UNSEEN : old).after(status, receivedAt));
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
        states.compute(deviceId, (id, old) -> (old == null ? UNSEEN : old).withEventAt(receivedAt));
    }

    public Optional<DeviceState> state(String deviceId) {
        return Optional.ofNullable(states.get(deviceId));
    }

    public Map<String, DeviceState> all() {
        return Map.copyOf(states);
    }
}

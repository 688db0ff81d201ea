package cn.xinan.device.config;

import java.time.Duration;

/**
 * How the device hands its events over to the collectors and how large its outbox may grow.
 *
 * @param ackTimeout              {@code mqtt.ackTimeout}: when events were sent but no collector acknowledgement
 *                                ({@code {id}/ack}) advanced for this long, the unacknowledged events are sent
 *                                again (default 60s; real network time, not the device clock)
 * @param outboxMaxEvents         {@code outbox.maxEvents}: above this many unacknowledged events the outbox is
 *                                full and heartbeats are thinned (default 100000, about 30 MB and ten weeks
 *                                of heartbeats at 60 s)
 * @param fullHeartbeatInterval   {@code outbox.fullHeartbeatInterval}: while the outbox is full, a heartbeat
 *                                is recorded only when the last one recorded is at least this old
 *                                (default 15m); every other kind of event is always recorded
 * @param statusInterval          {@code status.interval}: while connected, the signed status with the device's
 *                                health (docs/mqtt-contract.md, "Status schema 2") is published again this long
 *                                after the last one, on the device clock (default 5m, 1m to 1h)
 */
public record DeliverySettings(Duration ackTimeout, long outboxMaxEvents, Duration fullHeartbeatInterval,
                               Duration statusInterval) {
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(60);
    public static final long DEFAULT_OUTBOX_MAX_EVENTS = 100_000;
    public static final Duration DEFAULT_FULL_HEARTBEAT_INTERVAL = Duration.ofMinutes(15);
    public static final Duration DEFAULT_STATUS_INTERVAL = Duration.ofMinutes(5);
    public static final DeliverySettings DEFAULTS = new DeliverySettings(DEFAULT_ACK_TIMEOUT, DEFAULT_OUTBOX_MAX_EVENTS,
            DEFAULT_FULL_HEARTBEAT_INTERVAL, DEFAULT_STATUS_INTERVAL);

    public DeliverySettings {
        if (ackTimeout == null || ackTimeout.compareTo(Duration.ofMillis(100)) < 0) {
            throw new ConfigException(DeviceConfig.MQTT_ACK_TIMEOUT, "must be at least 100ms, was " + ackTimeout);
        }
        if (outboxMaxEvents < 100) {
            throw new ConfigException(DeviceConfig.OUTBOX_MAX_EVENTS, "must be at least 100, was " + outboxMaxEvents);
        }
        if (fullHeartbeatInterval == null || fullHeartbeatInterval.compareTo(Duration.ofMinutes(1)) < 0
                || fullHeartbeatInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException(DeviceConfig.OUTBOX_FULL_HEARTBEAT_INTERVAL,
                    "must be 1m to 1h (at least one sign of life an hour), was " + fullHeartbeatInterval);
        }
        if (statusInterval == null || statusInterval.compareTo(Duration.ofMinutes(1)) < 0
                || statusInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new ConfigException(DeviceConfig.STATUS_INTERVAL, "must be 1m to 1h, was " + statusInterval);
        }
    }

    /** With the default {@code status.interval}. */
    public DeliverySettings(Duration ackTimeout, long outboxMaxEvents, Duration fullHeartbeatInterval) {
        this(ackTimeout, outboxMaxEvents, fullHeartbeatInterval, DEFAULT_STATUS_INTERVAL);
    }
}

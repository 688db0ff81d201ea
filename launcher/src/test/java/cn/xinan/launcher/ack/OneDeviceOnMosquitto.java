package cn.xinan.launcher.ack;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.HttpSettings;
import cn.xinan.collector.ingest.AckSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.device.RoomDevice;
import cn.xinan.device.config.DeliverySettings;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.Ed25519Keys;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The acknowledgement tests' set-up: a real Mosquitto 2 (anonymous), a registry of one room with one registered
 * device, and that device simulated on {@code clock}, sending its events to the broker; a collector for it is built by
 * {@link #collector}. Closes the device and the broker.
 */
final class OneDeviceOnMosquitto implements AutoCloseable {
    static final String DEVICE = "jm-db-001-r1-d1";
    static final String ROOM = "r1";

    final MosquittoServer broker;
    final RoomDevice device;
    private final Path dir;

    /** Starts the broker and the device; {@code dir} holds the registry, the outbox and whatever the test adds. */
    OneDeviceOnMosquitto(Path dir, SimulatedClock clock) {
        this.dir = dir;
        Ed25519Keys.PrivateKey key = Ed25519Keys.generate(new SecureRandom());
        broker = MosquittoServer.startAnonymous();
        new Registry(List.of(new RoomRecord("东宝区", "jm-db-001", ROOM, Tier.QUALIFIED, "心理辅导室")),
                List.of(new DeviceRecord(DEVICE, ROOM, key.publicKey()))).save(dir.resolve("registry"));
        DeviceConfig config = DeviceConfig.of(DEVICE, key, broker.url(), "", dir.resolve("outbox.db"))
                .withOutboxSynchronous(SynchronousMode.NORMAL)
                .withReconnectDelays(Duration.ofMillis(50), Duration.ofMillis(500))
                .withDelivery(new DeliverySettings(Duration.ofSeconds(2), DeliverySettings.DEFAULT_OUTBOX_MAX_EVENTS,
                        DeliverySettings.DEFAULT_FULL_HEARTBEAT_INTERVAL));
        device = RoomDevice.simulated(config, clock);
    }

    /**
     * A collector (not started) reading the registry, subscribed anonymously to the broker, storing into {@code store},
     * with an acknowledgement gap timeout of 1 s and a stall after 5 s.
     */
    Collector collector(StoreSettings store, Clock collectorClock) {
        CollectorConfig config = new CollectorConfig(new HttpSettings("127.0.0.1", 0), dir.resolve("registry"),
                CalendarSources.bureau(Optional.empty()), RuleSettings.defaults(), MqttSettings.anonymous(broker.url()),
                store, IngestSettings.defaults(), Optional.empty());
        return new Collector(config, collectorClock, new AckSettings(Duration.ofSeconds(1), Duration.ofSeconds(5)));
    }

    @Override
    public void close() {
        device.close();
        broker.close();
    }
}

package cn.xinan.launcher.ack;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.HttpSettings;
import cn.xinan.collector.ingest.AckSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.device.RoomDevice;
import cn.xinan.device.config.DeliverySettings;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.Tier;
import cn.xinan.rules.RuleSettings;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.Ed25519Keys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The headline loss of issue 7, against a real Mosquitto 2 with persistence on: a device publishes while no
 * collector is subscribed (Mosquitto PUBACKs and drops the events: it does not persist a shared subscription),
 * Mosquitto restarts, then a collector starts. Every event id the device recorded must end up stored, and the
 * device's outbox must empty only after the collector's acknowledgement.
 */
class EndToEndAcknowledgementTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String DEVICE = "jm-db-001-r1-d1";
    private static final String ROOM = "r1";

    @TempDir
    Path dir;
    private MosquittoServer broker;
    private RoomDevice device;
    private Collector collector;
    private final SimulatedClock clock = new SimulatedClock(Instant.parse("2025-03-03T01:00:00Z"));
    private final Ed25519Keys.PrivateKey key = Ed25519Keys.generate(new SecureRandom());

    @BeforeEach
    void start() {
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

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.close();
        }
        device.close();
        broker.close();
    }

    @Test
    void eventsTakenByMosquittoWithoutACollectorSurviveAGracefulBrokerRestart() {
        List<String> recorded = recordWhileNoCollectorListens();

        broker.stop(); // SIGTERM: Mosquitto saves its persistence file
        broker.start();

        startCollectorAndExpectEverything(recorded);
    }

    @Test
    void eventsTakenByMosquittoWithoutACollectorSurviveABrokerKill() {
        List<String> recorded = recordWhileNoCollectorListens();

        broker.kill(); // SIGKILL
        broker.start();

        startCollectorAndExpectEverything(recorded);
    }

    /** Boots and records 30 events (1 s apart: no heartbeat falls due), all taken by the broker, none stored. */
    private List<String> recordWhileNoCollectorListens() {
        List<String> ids = new ArrayList<>();
        ids.add(device.boot("power_on").eventId());
        for (int i = 1; i < 30; i++) {
            clock.advanceTo(clock.instant().plusSeconds(1));
            DeviceEvent e = switch (i % 3) {
                case 0 -> device.staffOpen("T01");
                case 1 -> device.checkIn(Purpose.INDIVIDUAL, Stage.JUNIOR);
                default -> device.staffClose("T01");
            };
            ids.add(e.eventId());
        }
        await().atMost(PATIENCE).until(() -> device.brokerTookThrough() == 30);
        // the broker acknowledged every message, yet nothing left the outbox: no collector said "stored"
        assertThat(device.outboxDepth()).isEqualTo(30);
        assertThat(device.acknowledgedThrough()).isZero();
        return ids;
    }

    private void startCollectorAndExpectEverything(List<String> recorded) {
        CollectorConfig config = new CollectorConfig(new HttpSettings("127.0.0.1", 0), dir.resolve("registry"),
                CalendarSources.bureau(Optional.empty()), RuleSettings.defaults(), MqttSettings.anonymous(broker.url()),
                new StoreSettings.Sqlite(dir.resolve("events.db")), IngestSettings.defaults(), Optional.empty());
        collector = new Collector(config, Clock.systemUTC(), new AckSettings(Duration.ofSeconds(1), Duration.ofSeconds(5)))
                .start();

        await().atMost(PATIENCE).until(() -> device.outboxDepth() == 0);

        Set<String> stored = collector.store().eventsForRoom(ROOM, Instant.parse("2025-03-01T00:00:00Z"),
                Instant.parse("2025-03-10T00:00:00Z")).stream().map(StoredEvent::eventId).collect(Collectors.toSet());
        assertThat(stored).containsExactlyInAnyOrderElementsOf(recorded);
        assertThat(device.acknowledgedThrough()).isEqualTo(30);
        assertThat(collector.acknowledgements()).singleElement().satisfies(p -> {
            assertThat(p.through()).isEqualTo(30);
            assertThat(p.gaps()).isEmpty();
        });
    }
}

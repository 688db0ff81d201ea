package cn.xinan.launcher.ack;

import cn.xinan.collector.Collector;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.device.RoomDevice;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.testing.MosquittoServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    @TempDir
    Path dir;
    private OneDeviceOnMosquitto rig;
    private MosquittoServer broker;
    private RoomDevice device;
    private Collector collector;
    private final SimulatedClock clock = new SimulatedClock(Instant.parse("2025-03-03T01:00:00Z"));

    @BeforeEach
    void start() {
        rig = new OneDeviceOnMosquitto(dir, clock);
        broker = rig.broker;
        device = rig.device;
    }

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.close();
        }
        rig.close();
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
        collector = rig.collector(new StoreSettings.Sqlite(dir.resolve("events.db")), Clock.systemUTC()).start();

        await().atMost(PATIENCE).until(() -> device.outboxDepth() == 0);

        Set<String> stored = collector.store().eventsForRoom(OneDeviceOnMosquitto.ROOM, Instant.parse("2025-03-01T00:00:00Z"),
                Instant.parse("2025-03-10T00:00:00Z")).stream().map(StoredEvent::eventId).collect(Collectors.toSet());
        assertThat(stored).containsExactlyInAnyOrderElementsOf(recorded);
        assertThat(device.acknowledgedThrough()).isEqualTo(30);
        assertThat(collector.acknowledgements()).singleElement().satisfies(p -> {
            assertThat(p.through()).isEqualTo(30);
            assertThat(p.gaps()).isEmpty();
        });
    }
}

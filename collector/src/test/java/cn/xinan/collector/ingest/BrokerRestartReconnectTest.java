package cn.xinan.collector.ingest;

import cn.xinan.collector.store.sqlite.SqliteEventStore;
import cn.xinan.collector.testkit.IngestRig;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.TestPublisher;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.Tier;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.Acknowledgement;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The collector's connection across a broker restart that catches its own publishes (the per-device
 * acknowledgements, QoS 1) in flight. MQTT 5 clients may shorten a topic they publish to often to a topic alias,
 * valid on one network connection only; Paho 1.2.5 keeps an in-flight publish as it was sent, alias and no topic,
 * and sends it again on the next connection, where the broker knows no such alias and closes the connection with
 * a protocol error, every time (eclipse-paho/paho.mqtt.java#1104). The fault suite met it as a collector that
 * took no event for minutes after a Mosquitto restart. The collector now starts every connection with a fresh
 * client (nothing in flight carried over: an acknowledgement is published again by the next append, and the
 * devices send again what was not acknowledged).
 */
class BrokerRestartReconnectTest {
    private static final Instant NOW = Instant.parse("2025-03-03T02:00:00Z");

    @TempDir
    Path dir;

    private final TestDevice device = new TestDevice("dev-1", "room-1");
    private final Registry registry = new Registry(
            List.of(new RoomRecord("东宝区", "jm-db-001", "room-1", Tier.QUALIFIED, "心理辅导室")),
            List.of(device.record()));

    @Test
    void aRestartWithAcknowledgementsInFlightDoesNotLockTheCollectorOut() {
        try (MosquittoServer broker = MosquittoServer.startAnonymous();
             SqliteEventStore store = SqliteEventStore.open(dir.resolve("events.db"));
             IngestRig collector = new IngestRig(broker.url(), "collector-1", store, registry,
                     Clock.fixed(NOW, ZoneOffset.UTC))) {
            List<SignedEvent> events = device.heartbeats(NOW.minusSeconds(600), 20);
            try (TestPublisher publisher = new TestPublisher(broker.url())) {
                publisher.publish("dev-1/events", device.payload(events.subList(0, 10)));
                await().atMost(Duration.ofSeconds(30)).until(() -> store.eventCount() == 10);
            }
            // an acknowledgement to dev-1 gives "dev-1/ack" an alias on this connection (if the appends' own have not);
            // then the broker hangs, so the next one stays in flight, sent with the alias alone
            Acknowledgement ack = new Acknowledgement("dev-1", 10, events.get(9).event().eventId());
            collector.mqtt.acknowledge(ack);
            broker.pause();
            collector.mqtt.acknowledge(ack);
            broker.kill();
            broker.start();

            await().atMost(Duration.ofSeconds(30)).until(collector.mqtt::isConnected);
            try (TestPublisher publisher = new TestPublisher(broker.url())) {
                publisher.publish("dev-1/events", device.payload(events.subList(10, 20)));
                await().atMost(Duration.ofSeconds(30)).until(() -> store.eventCount() == 20);
            }
            assertThat(collector.mqtt.isConnected()).as("still connected after taking the events").isTrue();
        }
    }
}

package cn.xinan.device;

import cn.xinan.device.config.DeliverySettings;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.Acknowledgement;
import cn.xinan.wire.ResendRequest;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static cn.xinan.device.Fixtures.MONDAY_0750;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The device's side of the end-to-end acknowledgement through a real Mosquitto: a subscriber that never
 * acknowledges stands for a broker that took the events and lost them; the test plays the collector's part
 * by publishing {@code {id}/ack} and {@code {id}/resend} itself.
 */
class CollectorAcknowledgementTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final SimulatedClock clock = new SimulatedClock(MONDAY_0750);
    private MosquittoServer broker;
    private EventSubscriber silent;
    private MqttAsyncClient collector;
    private RoomDevice device;
    private final List<DeviceEvent> recorded = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoServer.startAnonymous();
        silent = EventSubscriber.silent(broker.url());
        collector = new MqttAsyncClient(broker.url(), "collector-stand-in", new MemoryPersistence());
        collector.connect(new MqttConnectionOptions()).waitForCompletion(10_000);
    }

    /** Boots the device with this ack time-out and records five events, all taken by the broker. */
    private void recordFive(Duration ackTimeout) {
        DeviceConfig config = Fixtures.config("room-1", broker.url(), dir)
                .withDelivery(new DeliverySettings(ackTimeout, DeliverySettings.DEFAULT_OUTBOX_MAX_EVENTS,
                        DeliverySettings.DEFAULT_FULL_HEARTBEAT_INTERVAL));
        device = RoomDevice.simulated(config, clock);
        recorded.add(device.boot("power_on"));
        for (int i = 1; i < 5; i++) {
            clock.advanceTo(MONDAY_0750.plusSeconds(i));
            recorded.add(device.checkIn(null, null));
        }
        await().atMost(PATIENCE).until(() -> device.brokerTookThrough() == 5);
    }

    @AfterEach
    void stop() throws Exception {
        if (device != null) {
            device.powerOff();
        }
        collector.disconnect().waitForCompletion(5_000);
        collector.close();
        silent.close();
        broker.close();
    }

    /** What a collector publishes: through {@code seq}, with the id of the device's event under it. */
    private byte[] ack(long seq) {
        return new Acknowledgement("room-1", seq, recorded.get((int) seq - 1).eventId()).encode();
    }

    private void publish(String topic, byte[] payload, boolean retained) throws Exception {
        collector.publish(topic, new MqttMessage(payload, 1, retained, null)).waitForCompletion(5_000);
    }

    @Test
    void theBrokersPubackDeletesNothingAndTheCollectorsAckDeletesThroughItsSeq() throws Exception {
        recordFive(Duration.ofMinutes(10));
        assertThat(device.outboxDepth()).isEqualTo(5);

        publish("room-1/ack", ack(3), true);
        await().atMost(PATIENCE).until(() -> device.outboxDepth() == 2);

        publish("room-1/ack", ack(2), true); // a slower replica: ignored
        publish("room-1/ack", ack(5), true);
        await().atMost(PATIENCE).until(() -> device.outboxDepth() == 0);
        assertThat(device.acknowledgedThrough()).isEqualTo(5);
    }

    @Test
    void whatNoCollectorAcknowledgesIsSentAgainAfterTheAckTimeOut() {
        recordFive(Duration.ofMillis(500));
        await().atMost(PATIENCE).until(() -> Collections.frequency(silent.seqs(), 5L) >= 2);

        assertThat(silent.seqs()).containsAll(List.of(1L, 2L, 3L, 4L, 5L));
        assertThat(Collections.frequency(silent.seqs(), 1L)).isGreaterThanOrEqualTo(2);
        assertThat(device.outboxDepth()).isEqualTo(5);
    }

    @Test
    void aResendRequestIsAnsweredFromWhatTheOutboxStillHolds() throws Exception {
        recordFive(Duration.ofMinutes(10)); // no time-out resend during the test: what comes again was asked for
        publish("room-1/ack", ack(1), true);
        await().atMost(PATIENCE).until(() -> device.outboxDepth() == 4);
        int before = silent.seqs().size();

        publish("room-1/resend", new ResendRequest("room-1", 1, 3).encode(), false);

        // seq 1 is acknowledged and gone: only 2 and 3 come again
        await().atMost(PATIENCE).until(() -> silent.seqs().subList(before, silent.seqs().size()).containsAll(List.of(2L, 3L)));
        assertThat(silent.seqs().subList(before, silent.seqs().size())).doesNotContain(1L);
    }

    @Test
    void anAcknowledgementForAnotherDeviceOrMalformedIsIgnored() throws Exception {
        recordFive(Duration.ofMinutes(10));
        publish("room-1/ack", new Acknowledgement("room-2", 5, recorded.get(4).eventId()).encode(), true);
        publish("room-1/ack", "{\"schema\":1,\"device\":\"room-1\",\"through\":\"all\"}".getBytes(), true);
        publish("room-1/ack", ack(2), true);

        await().atMost(PATIENCE).until(() -> device.outboxDepth() == 3);
        assertThat(device.acknowledgedThrough()).isEqualTo(2);
    }

    @Test
    void aRetainedAckLeftByAnEarlierLifeOfTheDeviceIdDeletesNothing() throws Exception {
        // the broker still holds the ack of a device that used this id before, whose numbering reached 4
        publish("room-1/ack", new Acknowledgement("room-1", 4, "an-event-of-the-earlier-device").encode(), true);
        recordFive(Duration.ofMinutes(10));
        publish("room-1/ack", new Acknowledgement("room-1", 9, "beyond-what-it-recorded").encode(), true);
        publish("room-1/ack", ack(1), true);

        await().atMost(PATIENCE).until(() -> device.acknowledgedThrough() == 1);
        assertThat(device.outboxDepth()).isEqualTo(4);
    }

    @Test
    void anAckWithoutAnEventIdFromAnOlderCollectorStillApplies() throws Exception {
        recordFive(Duration.ofMinutes(10));
        publish("room-1/ack", new Acknowledgement("room-1", 5, null).encode(), true);

        await().atMost(PATIENCE).until(() -> device.outboxDepth() == 0);
    }
}

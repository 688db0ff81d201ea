package cn.xinan.device;

import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.EventBatch;
import cn.xinan.wire.SignatureVerifier;
import cn.xinan.wire.WireCodec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;

import static cn.xinan.device.Fixtures.MONDAY_0750;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The publisher through a real Mosquitto, seen by a real subscriber. */
class PublishingTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private final SimulatedClock clock = new SimulatedClock(MONDAY_0750);
    private final List<RoomDevice> devices = new ArrayList<>();
    private MosquittoServer broker;
    private EventSubscriber subscriber;
    private DeviceConfig config;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoServer.startAnonymous();
        subscriber = new EventSubscriber(broker.url());
        config = Fixtures.config("room-1", broker.url(), dir);
    }

    @AfterEach
    void stop() throws Exception {
        devices.forEach(RoomDevice::powerOff);
        subscriber.close();
        broker.close();
    }

    private RoomDevice device() {
        RoomDevice d = RoomDevice.simulated(config, clock);
        devices.add(d);
        return d;
    }

    private static List<Long> oneTo(long n) {
        return LongStream.rangeClosed(1, n).boxed().toList();
    }

    private void awaitDelivered(RoomDevice d) {
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(10)).until(() -> d.outboxDepth() == 0);
    }

    @Test
    void liveEventsArriveInOrderOncePerMessageAtQos1() {
        RoomDevice d = device();
        d.boot("power_on");
        awaitDelivered(d);
        for (int i = 1; i <= 20; i++) {
            clock.advanceTo(MONDAY_0750.plusSeconds(i));
            if (i % 2 == 0) {
                d.presence(i % 4 == 2); // occupied, vacant, occupied…: every one a change
            } else {
                d.checkIn(null, null);
            }
            awaitDelivered(d); // live: each event is alone in the outbox when it goes out
        }

        await().atMost(PATIENCE).until(() -> subscriber.seqs().size() >= 21);
        assertThat(subscriber.seqs()).containsExactlyElementsOf(oneTo(21));
        assertThat(subscriber.batches()).allSatisfy(b -> {
            assertThat(b.events()).hasSize(1);
            assertThat(b.batchSignature()).isNull();
            assertThat(SignatureVerifier.verifyEvent(b.events().get(0), Fixtures.KEY.publicKey())).isTrue();
        });
    }

    @Test
    void aBacklogFromANetworkOutageArrivesInSignedBatchesInOrder() throws Exception {
        RoomDevice d = device();
        d.boot("power_on");
        awaitDelivered(d);
        d.networkDown();
        d.staffOpen("T01");
        d.advanceTo(MONDAY_0750.plusSeconds(60L * 1200)); // 20 hours of heartbeats while offline
        d.staffClose("T01");
        assertThat(d.outboxDepth()).isEqualTo(1202);

        d.networkUp();
        awaitDelivered(d);

        await().atMost(PATIENCE).until(() -> subscriber.seqs().size() >= 1203);
        assertThat(subscriber.seqs()).containsExactlyElementsOf(oneTo(1203));
        List<EventBatch> backlog = subscriber.batches().subList(1, subscriber.batches().size());
        assertThat(backlog).hasSizeGreaterThanOrEqualTo(3)
                .allSatisfy(b -> assertThat(b.events().size()).isLessThanOrEqualTo(WireCodec.MAX_EVENTS_PER_BATCH));
        assertThat(backlog).anySatisfy(b -> assertThat(b.events()).hasSize(WireCodec.MAX_EVENTS_PER_BATCH));
        for (EventBatch b : backlog) {
            SignatureVerifier.verify(b, Fixtures.KEY.publicKey()); // throws if a signature does not verify
        }
    }

    @Test
    void theBrokerKilledMidStreamLosesNothing() {
        RoomDevice d = device();
        d.boot("power_on");
        for (int i = 1; i <= 300; i++) {
            clock.advanceTo(MONDAY_0750.plusSeconds(i));
            d.checkIn(null, null);
            if (i == 100) {
                broker.kill(); // SIGKILL while events are in flight; the device keeps recording and retrying
            }
            if (i == 200) {
                // Hold the device back until the test's subscriber is subscribed again: the broker may have
                // lost that subscriber's session, and what it is not subscribed to it would never see.
                d.networkDown();
                broker.start();
                await().atMost(PATIENCE).until(() -> subscriber.subscriptions() >= 2);
                d.networkUp();
            }
        }
        awaitDelivered(d);
        long recorded = d.recordedCount();
        assertThat(recorded).isEqualTo(306); // boot, 300 check-ins, heartbeats at +60 s … +300 s

        await().atMost(PATIENCE).until(() -> subscriber.seqs().stream().distinct().count() >= recorded);
        assertThat(subscriber.seqs().stream().distinct().sorted().toList()).isEqualTo(oneTo(recorded));
    }

    @Test
    void aPowerLossMidPublishIsResumedByTheNextBootWithNothingLost() {
        RoomDevice first = device();
        first.boot("power_on");
        first.networkDown();
        first.advanceTo(MONDAY_0750.plusSeconds(60L * 3000));
        first.networkUp();
        await().atMost(PATIENCE).until(() -> !subscriber.seqs().isEmpty());
        first.powerOff(); // while the backlog is going out
        long recorded = first.recordedCount();

        clock.advanceTo(MONDAY_0750.plusSeconds(60L * 3000 + 300));
        RoomDevice second = device();
        DeviceEvent boot = second.boot("power_on");
        awaitDelivered(second);

        assertThat(boot.seq()).isEqualTo(recorded + 1);
        assertThat(boot.body()).isEqualTo(new EventBody.Boot("power_on", MONDAY_0750.plusSeconds(60L * 3000)));
        await().atMost(PATIENCE).until(() -> subscriber.seqs().stream().distinct().count() >= recorded + 1);
        assertThat(subscriber.seqs().stream().distinct().sorted().toList()).isEqualTo(oneTo(recorded + 1));
    }

    @Test
    void statusIsOnlineWhileConnectedAndTheLastWillSetsItOfflineOnAPowerLoss() {
        RoomDevice d = device();
        d.boot("power_on");
        await().atMost(PATIENCE).until(() -> subscriber.lastStatus() != null && subscriber.lastStatus().online());
        assertThat(subscriber.lastStatus().firmware()).isEqualTo(RoomDevice.FIRMWARE_VERSION);
        assertThat(subscriber.lastStatus().at()).isEqualTo(MONDAY_0750);

        d.powerOff();
        await().atMost(PATIENCE).until(() -> !subscriber.lastStatus().online());
        assertThat(subscriber.lastStatus().at()).isNull(); // the will: its time is unknown
    }

    @Test
    void aDeviceLeftOffAtTheEndDeliversItsBacklogWithoutRecording() {
        RoomDevice first = device();
        first.boot("power_on");
        first.networkDown();
        first.advanceTo(MONDAY_0750.plusSeconds(600));
        first.powerOff();

        RoomDevice drain = device();
        drain.deliverOnly();
        awaitDelivered(drain);

        await().atMost(PATIENCE).until(() -> subscriber.seqs().size() >= 11);
        assertThat(subscriber.seqs().stream().distinct().sorted().toList()).isEqualTo(oneTo(11));
        assertThat(drain.recordedCount()).isEqualTo(11);
    }
}

package cn.xinan.collector.ingest;

import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.testkit.IngestRig;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.TestPublisher;
import cn.xinan.event.EventBody;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.Tier;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.DeviceStatus;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ingest through a real Mosquitto into a real store: what is stored, what is quarantined and why, and that
 * nothing is lost or counted twice when a collector dies mid-stream. Each test has a broker of its own.
 */
public abstract class IngestThroughMosquittoContract {
    /** The collector's clock: device times in these tests are around it. */
    protected static final Instant NOW = Instant.parse("2025-03-03T02:00:00Z");
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final TestDevice dev1 = new TestDevice("dev-1", "room-1");
    private final TestDevice dev2 = new TestDevice("dev-2", "room-2");
    private final TestDevice dev3 = new TestDevice("dev-3", "room-3");
    private final Registry registry = new Registry(
            List.of(room("room-1"), room("room-2"), room("room-3")),
            List.of(dev1.record(), dev2.record(), dev3.record()));
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);

    private MosquittoServer broker;
    private TestPublisher publisher;
    protected EventStore store;
    private IngestRig collector;

    /** A new store over this test's data; a second call after a close opens the same data again. */
    protected abstract EventStore openStore();

    private static RoomRecord room(String id) {
        return new RoomRecord("东宝区", "jm-db-001", id, Tier.QUALIFIED, "心理辅导室 " + id);
    }

    @BeforeEach
    void start() {
        broker = MosquittoServer.startAnonymous();
        store = openStore();
        collector = new IngestRig(broker.url(), "collector-1", store, registry, clock);
        publisher = new TestPublisher(broker.url());
    }

    @AfterEach
    void stop() {
        publisher.close();
        collector.close();
        store.close();
        broker.close();
    }

    private void awaitStored(long n) {
        await().atMost(PATIENCE).until(() -> store.eventCount() >= n);
        await().atMost(PATIENCE).until(() -> collector.counters.snapshot().pending() == 0);
        assertThat(store.eventCount()).isEqualTo(n);
    }

    private Set<String> storedIds(String... rooms) {
        Set<String> ids = new HashSet<>();
        for (String room : rooms) {
            for (StoredEvent e : store.eventsForRoom(room, NOW.minus(Duration.ofDays(1)), NOW.plus(Duration.ofDays(1)))) {
                ids.add(e.eventId());
            }
        }
        return ids;
    }

    private static Set<String> ids(List<SignedEvent> events) {
        return events.stream().map(e -> e.event().eventId()).collect(Collectors.toSet());
    }

    @Test
    void validTrafficFromSeveralDevicesIsStoredAndAcknowledged() {
        List<SignedEvent> sent = new ArrayList<>();
        for (TestDevice d : List.of(dev1, dev2, dev3)) {
            for (SignedEvent e : d.heartbeats(NOW.minusSeconds(600), 40)) {
                publisher.publish(d.deviceId() + "/events", d.payload(e));
                sent.add(e);
            }
        }
        List<SignedEvent> backlog = dev1.heartbeats(NOW.minusSeconds(7200), 500);
        publisher.publish("dev-1/events", dev1.payload(backlog));
        sent.addAll(backlog);

        awaitStored(sent.size());

        assertThat(storedIds("room-1", "room-2", "room-3")).isEqualTo(ids(sent));
        IngestStats stats = collector.counters.snapshot();
        assertThat(stats.messagesReceived()).isEqualTo(121);
        assertThat(stats.eventsStored()).isEqualTo(sent.size());
        assertThat(stats.duplicates()).isZero();
        assertThat(stats.quarantinedTotal()).isZero();
        assertThat(stats.sequenceGaps()).isZero();
    }

    @Test
    void aMessageDeliveredTwiceIsStoredOnceAndCountedAsDuplicates() {
        List<SignedEvent> events = dev1.heartbeats(NOW.minusSeconds(60), 5);
        byte[] payload = dev1.payload(events);

        publisher.publish("dev-1/events", payload);
        publisher.publish("dev-1/events", payload);
        await().atMost(PATIENCE).until(() -> collector.counters.snapshot().duplicates() == 5);

        assertThat(store.eventCount()).isEqualTo(5);
        assertThat(collector.counters.snapshot().eventsStored()).isEqualTo(5);
        assertThat(collector.counters.snapshot().quarantinedTotal()).isZero();
    }

    @Test
    void everyBadMessageIsQuarantinedWithItsReasonWhileValidTrafficAroundItIsStored() {
        TestDevice impostor = new TestDevice("dev-2", "room-2"); // dev-2's id, another key
        TestDevice unregistered = new TestDevice("dev-9", "room-1");
        List<SignedEvent> valid = new ArrayList<>();
        SignedEvent v;

        publisher.publish("dev-1/events", dev1.payload(v = dev1.heartbeat(NOW.minusSeconds(50))));
        valid.add(v);
        publisher.publish("dev-1/events", "{\"schema\":1,\"device\":".getBytes(StandardCharsets.US_ASCII));
        publisher.publish("dev-2/events", dev2.payload(v = dev2.heartbeat(NOW.minusSeconds(49))));
        valid.add(v);
        publisher.publish("dev-9/events", unregistered.payload(unregistered.heartbeat(NOW.minusSeconds(48))));
        publisher.publish("dev-3/events", dev3.payload(v = dev3.heartbeat(NOW.minusSeconds(47))));
        valid.add(v);
        publisher.publish("dev-2/events", impostor.payload(impostor.heartbeat(NOW.minusSeconds(46))));
        byte[] huge = new byte[300_000];
        Arrays.fill(huge, (byte) ' ');
        publisher.publish("dev-1/events", huge);
        publisher.publish("dev-3/events", dev1.payload(dev1.heartbeat(NOW.minusSeconds(45))));
        publisher.publish("dev-3/events", dev3.payload(dev3.event(NOW.plus(Duration.ofHours(2)), new EventBody.Heartbeat())));
        publisher.publish("dev-2/events", dev2.payload(v = dev2.heartbeat(NOW.minusSeconds(44))));
        valid.add(v);

        await().atMost(PATIENCE).until(() -> collector.counters.snapshot().quarantinedTotal() == 6
                && store.eventCount() == valid.size());

        assertThat(storedIds("room-1", "room-2", "room-3")).isEqualTo(ids(valid));
        assertThat(store.quarantineCounts()).containsOnly(
                org.assertj.core.api.Assertions.entry(QuarantineReason.MALFORMED, 1L),
                org.assertj.core.api.Assertions.entry(QuarantineReason.UNKNOWN_DEVICE, 1L),
                org.assertj.core.api.Assertions.entry(QuarantineReason.BAD_SIGNATURE, 1L),
                org.assertj.core.api.Assertions.entry(QuarantineReason.PAYLOAD_TOO_LARGE, 1L),
                org.assertj.core.api.Assertions.entry(QuarantineReason.FOREIGN_TOPIC, 1L),
                org.assertj.core.api.Assertions.entry(QuarantineReason.IMPLAUSIBLE_TIME, 1L));
        IngestStats stats = collector.counters.snapshot();
        for (QuarantineReason r : QuarantineReason.values()) {
            assertThat(stats.quarantined().get(r)).as(r.code())
                    .isEqualTo(r == QuarantineReason.STORE_REFUSED || r == QuarantineReason.INTERNAL_ERROR ? 0L : 1L);
        }
        List<QuarantinedMessage> recent = store.recentQuarantine(10);
        assertThat(recent).extracting(QuarantinedMessage::detail).anySatisfy(d -> assertThat(d).contains("topic is not the device's own"))
                .anySatisfy(d -> assertThat(d).contains("dev-9", "not in the registry"))
                .anySatisfy(d -> assertThat(d).contains("malformed JSON"))
                .anySatisfy(d -> assertThat(d).contains("300000 bytes"))
                .anySatisfy(d -> assertThat(d).contains("does not verify"));
        assertThat(recent).allSatisfy(q -> assertThat(q.receivedAt()).isEqualTo(NOW));
    }

    @Test
    void aJumpInSequenceIsCountedAsAGapButTheEventsAreStored() {
        SignedEvent one = dev1.heartbeat(NOW.minusSeconds(30));
        SignedEvent two = dev1.heartbeat(NOW.minusSeconds(29));
        dev1.heartbeat(NOW.minusSeconds(28)); // recorded, never sent (yet)
        SignedEvent four = dev1.heartbeat(NOW.minusSeconds(27));
        publisher.publish("dev-1/events", dev1.payload(one));
        publisher.publish("dev-1/events", dev1.payload(two));
        publisher.publish("dev-1/events", dev1.payload(four));

        awaitStored(3);

        assertThat(collector.counters.snapshot().sequenceGaps()).isEqualTo(1);
    }

    @Test
    void retainedStatusMessagesKeepEachDevicesOnlineState() {
        publisher.publishRetained("dev-1/status", new DeviceStatus("dev-1", true, NOW, "0.1.0").encodeSigned(dev1.signer()));
        publisher.publishRetained("dev-2/status", new DeviceStatus("dev-2", false, null, null).encodeSigned(dev2.signer()));

        await().atMost(PATIENCE).until(() -> collector.board.state("dev-1").isPresent()
                && collector.board.state("dev-2").isPresent());

        assertThat(collector.board.state("dev-1").orElseThrow().online()).isTrue();
        assertThat(collector.board.state("dev-1").orElseThrow().firmware()).isEqualTo("0.1.0");
        assertThat(collector.board.state("dev-2").orElseThrow().online()).isFalse();
    }

    @Test
    void aCollectorKilledMidStreamLosesNothingAndCountsNothingTwice() {
        int n = 3_000;
        List<SignedEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestDevice d = List.of(dev1, dev2, dev3).get(i % 3);
            events.add(d.heartbeat(NOW.minusSeconds(3_600).plusMillis(i)));
        }
        // the second half is sent only once the collector has crashed: the crash falls mid-stream however fast or slow
        // this machine is
        java.util.concurrent.CountDownLatch crashed = new java.util.concurrent.CountDownLatch(1);
        CompletableFuture<Void> sending = CompletableFuture.runAsync(() -> {
            try (TestPublisher p = new TestPublisher(broker.url())) {
                for (int i = 0; i < n; i++) {
                    if (i == n / 2) {
                        try {
                            crashed.await();
                        } catch (InterruptedException e) {
                            throw new IllegalStateException("interrupted", e);
                        }
                    }
                    SignedEvent e = events.get(i);
                    TestDevice d = List.of(dev1, dev2, dev3).get(Integer.parseInt(e.event().deviceId().substring(4)) - 1);
                    p.publish(d.deviceId() + "/events", d.payload(e));
                }
            }
        });
        await().atMost(PATIENCE).until(() -> store.eventCount() >= n / 4);

        collector.crash();
        crashed.countDown();
        store.close();
        store = openStore();
        collector = new IngestRig(broker.url(), "collector-1", store, registry, clock);
        sending.join();

        awaitStored(n);
        assertThat(storedIds("room-1", "room-2", "room-3")).isEqualTo(ids(events));
    }
}

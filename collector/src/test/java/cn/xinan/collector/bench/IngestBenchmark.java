package cn.xinan.collector.bench;

import cn.xinan.collector.ingest.IngestStats;
import cn.xinan.collector.store.EventStore;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.testing.mqtt.OnMessage;
import cn.xinan.collector.testkit.IngestRig;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.Tier;
import cn.xinan.testing.InfluxServer;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.SignedEvent;
import cn.xinan.wire.Topics;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest throughput, MQTT → verified → durably stored, through a real Mosquitto, for both stores; and the
 * messages/s Mosquitto hands a do-nothing subscriber, as the ceiling. Run with {@code collector/bench.sh}.
 *
 * <p>Method: every run gets a fresh broker. The subscriber's persistent session (shared subscription, QoS 1)
 * is created first, then the whole workload is published while it is away, so the broker holds it queued;
 * then the subscriber connects and the clock runs from its connection until the last event is durably
 * stored (or, for the ceiling, received). This measures what the subscriber can take, not how fast the test
 * publishers can publish. Workloads: (a) live traffic, one signed event per message from 200 devices;
 * (b) backlog flush, messages of 500 events (one batch signature each).
 */
public final class IngestBenchmark {
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    private static final Clock CLOCK = Clock.fixed(T0.plus(Duration.ofDays(30)), java.time.ZoneOffset.UTC);

    private record Message(String topic, byte[] payload, int events) {
    }

    public static void main(String[] args) throws Exception {
        int liveMessages = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int backlogMessages = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        List<TestDevice> devices = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            devices.add(new TestDevice("dev-" + i, "room-" + i));
        }
        List<RoomRecord> rooms = devices.stream()
                .map(d -> new RoomRecord("东宝区", "school-" + d.roomId(), d.roomId(), Tier.QUALIFIED, "room " + d.roomId()))
                .toList();
        Registry registry = new Registry(rooms, devices.stream().map(TestDevice::record).toList());

        System.out.println("signing workloads...");
        List<Message> live = new ArrayList<>(liveMessages);
        for (int i = 0; i < liveMessages; i++) {
            TestDevice d = devices.get(i % devices.size());
            SignedEvent e = d.heartbeat(T0.plusMillis(i * 7L));
            live.add(new Message(Topics.events(d.deviceId()), d.payload(e), 1));
        }
        List<Message> backlog = new ArrayList<>(backlogMessages);
        for (int i = 0; i < backlogMessages; i++) {
            TestDevice d = devices.get(i % devices.size());
            List<SignedEvent> batch = d.heartbeats(T0.plus(Duration.ofDays(1)).plusSeconds(i * 500L), 500);
            backlog.add(new Message(Topics.events(d.deviceId()), d.payload(batch), 500));
        }
        int backlogEvents = backlogMessages * 500;
        System.out.printf(Locale.ROOT, "cores: %d, live: %d messages of 1 event (%d bytes each), backlog: %d messages of 500 events (%d bytes each)%n",
                Runtime.getRuntime().availableProcessors(), live.size(), live.get(0).payload().length, backlog.size(),
                backlog.get(0).payload().length);

        // -Dxinan.bench.only=ceiling,sqlite,influxdb,node-red (default: all) runs a part while working on it
        List<String> parts = List.of(System.getProperty("xinan.bench.only", "ceiling,sqlite,influxdb,node-red").split(","));
        List<String> report = new ArrayList<>();
        if (parts.contains("ceiling")) {
            double ceilingLive = ceiling(live);
            report.add(String.format(Locale.ROOT, "%-52s %,10.0f messages/s  %,10.0f events/s", "Mosquitto → do-nothing subscriber, live",
                    ceilingLive, ceilingLive));
            double ceilingBacklog = ceiling(backlog);
            report.add(String.format(Locale.ROOT, "%-52s %,10.0f messages/s  %,10.0f events/s", "Mosquitto → do-nothing subscriber, backlog",
                    ceilingBacklog, ceilingBacklog * 500));
        }

        Path tmp = Files.createTempDirectory("xinan-bench");
        java.util.Map<String, Double> eventsPerSecond = new java.util.LinkedHashMap<>();
        try (InfluxServer influx = InfluxServer.startServer()) {
            int run = 0;
            for (String store : List.of("sqlite", "influxdb")) {
                if (!parts.contains(store)) {
                    continue;
                }
                for (String workload : List.of("live", "backlog")) {
                    run++;
                    List<Message> messages = workload.equals("live") ? live : backlog;
                    long events = workload.equals("live") ? live.size() : backlogEvents;
                    StoreSettings settings = store.equals("sqlite")
                            ? new StoreSettings.Sqlite(tmp.resolve("run" + run + ".db"))
                            : new StoreSettings.Influx(influx.url(), "bench" + run, "xinan", "INF", null, null);
                    double seconds = ingest(messages, events, settings, registry);
                    eventsPerSecond.put(store + " " + workload, events / seconds);
                    report.add(String.format(Locale.ROOT, "%-52s %,10.0f messages/s  %,10.0f events/s  (%d events in %.2f s)",
                            "collector → " + store + ", " + workload, messages.size() / seconds, events / seconds, events, seconds));
                }
            }
            if (parts.contains("node-red")) {
                NodeRedPeer peer = new NodeRedPeer(Path.of(System.getProperty("xinan.bench.nodeRed", "collector/bench/node-red")), tmp);
                String why = peer.unavailable();
                if (why != null) {
                    report.add("Node-RED peer not run: " + why);
                }
                for (String workload : why == null ? List.of("live", "backlog") : List.<String>of()) {
                    List<Message> messages = workload.equals("live") ? live : backlog;
                    long events = workload.equals("live") ? live.size() : backlogEvents;
                    NodeRedPeer.Result r;
                    try (MosquittoServer broker = MosquittoServer.startAnonymous()) {
                        r = peer.run(broker.port(), influx, "nodered_" + workload, events, () -> publishAll(broker.url(), messages));
                    }
                    eventsPerSecond.put("node-red " + workload, r.eventsPerSecond());
                    report.add(String.format(Locale.ROOT, "%-52s %,10.0f messages/s  %,10.0f events/s  (%d events in %.2f s)%s",
                            "Node-RED mqtt in → json → influxdb out, " + workload, r.eventsPerSecond() * messages.size() / events,
                            r.eventsPerSecond(), r.stored(), r.seconds(),
                            r.complete() ? "" : String.format(Locale.ROOT, "  INCOMPLETE: %d of %d events stored; its last output:%n%s",
                                    r.stored(), r.sent(), r.logTail())));
                }
            }
        }
        for (String store : List.of("influxdb", "sqlite")) {
            for (String workload : List.of("live", "backlog")) {
                Double ours = eventsPerSecond.get(store + " " + workload);
                Double peer = eventsPerSecond.get("node-red " + workload);
                if (ours != null && peer != null) {
                    report.add(String.format(Locale.ROOT, "%-52s %10.1f×", "ratio collector → " + store + " / Node-RED, " + workload, ours / peer));
                }
            }
        }
        System.out.println();
        System.out.println("== Ingest: MQTT → verified → durably stored ==");
        report.forEach(System.out::println);
    }

    /** Seconds from the collector's connection until every event is durably stored and acknowledged. */
    private static double ingest(List<Message> messages, long events, StoreSettings settings, Registry registry)
            throws Exception {
        try (MosquittoServer broker = MosquittoServer.startAnonymous()) {
            String clientId = "bench-collector";
            EventStore store = settings.open();
            // create the persistent session and its shared subscription, then go away
            new IngestRig(broker.url(), clientId, store, registry, CLOCK).close();
            publishAll(broker.url(), messages);
            long start = System.nanoTime();
            IngestRig rig = new IngestRig(broker.url(), clientId, store, registry, CLOCK);
            boolean done = rig.pipeline.awaitProgress(() -> rig.counters.eventsStored() >= events
                    && rig.counters.snapshot().pending() == 0, Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - start) / 1e9;
            IngestStats stats = rig.counters.snapshot();
            rig.close();
            long stored = store.eventCount();
            store.close();
            if (!done || stored != events || stats.quarantinedTotal() != 0) {
                throw new IllegalStateException("run incomplete: stored " + stored + " of " + events + ", " + stats);
            }
            return seconds;
        }
    }

    /** Messages/s a subscriber that does nothing (auto-acknowledging QoS 1) receives from a pre-filled queue. */
    private static double ceiling(List<Message> messages) throws Exception {
        try (MosquittoServer broker = MosquittoServer.startAnonymous()) {
            String id = "bench-null-" + UUID.randomUUID();
            AtomicLong received = new AtomicLong();
            CountDownLatch all = new CountDownLatch(1);
            MqttAsyncClient sub = nullSubscriber(broker.url(), id, received, messages.size(), all);
            sub.disconnect().waitForCompletion(10_000);
            sub.close();
            publishAll(broker.url(), messages);
            long start = System.nanoTime();
            MqttAsyncClient again = nullSubscriber(broker.url(), id, received, messages.size(), all);
            if (!all.await(10, TimeUnit.MINUTES)) {
                throw new IllegalStateException("ceiling run incomplete: " + received.get());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            again.disconnect().waitForCompletion(10_000);
            again.close();
            return messages.size() / seconds;
        }
    }

    private static MqttAsyncClient nullSubscriber(String url, String id, AtomicLong received, int expected,
                                                  CountDownLatch all) throws MqttException {
        MqttAsyncClient c = new MqttAsyncClient(url, id, new MemoryPersistence());
        c.setCallback(OnMessage.of((topic, message) -> {
            if (received.incrementAndGet() == expected) {
                all.countDown();
            }
        }));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3_600L);
        o.setReceiveMaximum(2_000);
        c.connect(o).waitForCompletion(10_000);
        c.subscribe(new MqttSubscription("$share/" + Topics.SHARED_GROUP + "/" + Topics.EVENTS_FILTER, 1))
                .waitForCompletion(10_000);
        return c;
    }

    /** Publishes everything at QoS 1 from 4 clients, each with up to 200 messages in flight. */
    private static void publishAll(String url, List<Message> messages) throws Exception {
        int clients = 4;
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < clients; c++) {
            int first = c;
            Thread t = new Thread(() -> {
                try {
                    MqttAsyncClient pub = new MqttAsyncClient(url, "bench-pub-" + UUID.randomUUID(), new MemoryPersistence());
                    MqttConnectionOptions o = new MqttConnectionOptions();
                    o.setCleanStart(true);
                    pub.connect(o).waitForCompletion(10_000);
                    ArrayDeque<IMqttToken> window = new ArrayDeque<>();
                    for (int i = first; i < messages.size(); i += clients) {
                        Message m = messages.get(i);
                        MqttMessage msg = new MqttMessage(m.payload());
                        msg.setQos(1);
                        while (true) {
                            try {
                                window.add(pub.publish(m.topic(), msg));
                                break;
                            } catch (MqttException e) {
                                if (e.getReasonCode() != org.eclipse.paho.mqttv5.client.MqttClientException.REASON_CODE_MAX_INFLIGHT) {
                                    throw e;
                                }
                                window.poll().waitForCompletion(30_000);
                            }
                        }
                        if (window.size() >= 200) {
                            window.poll().waitForCompletion(30_000);
                        }
                    }
                    while (!window.isEmpty()) {
                        window.poll().waitForCompletion(30_000);
                    }
                    pub.disconnect().waitForCompletion(10_000);
                    pub.close();
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }
}

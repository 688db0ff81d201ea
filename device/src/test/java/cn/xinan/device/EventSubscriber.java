package cn.xinan.device;

import cn.xinan.wire.Acknowledgement;
import cn.xinan.wire.DeviceStatus;
import cn.xinan.wire.EventBatch;
import cn.xinan.wire.Topics;
import cn.xinan.wire.WireCodec;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test's view of the broker: a real MQTT 5 client subscribed to every device's events and status at QoS 1,
 * with a persistent session (so it gets what was queued while a broker restart cut it off), that
 * reconnects automatically. Unless made {@linkplain #silent silent}, it stands in for a collector: after each
 * message it publishes the device's retained {@code {id}/ack} through the highest seq below which it has
 * received everything (docs/mqtt-contract.md), so the device may empty its outbox.
 */
final class EventSubscriber implements AutoCloseable {
    private final MqttAsyncClient client;
    private final List<EventBatch> batches = new ArrayList<>();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private volatile DeviceStatus lastStatus;
    private final boolean acknowledges;
    private final Map<String, TreeSet<Long>> received = new HashMap<>(); // guarded by batches
    private final Map<String, Long> through = new HashMap<>(); // guarded by batches

    EventSubscriber(String url) throws MqttException {
        this(url, true);
    }

    /** A subscriber that never acknowledges: the devices keep everything. */
    static EventSubscriber silent(String url) throws MqttException {
        return new EventSubscriber(url, false);
    }

    private EventSubscriber(String url, boolean acknowledges) throws MqttException {
        this.acknowledges = acknowledges;
        client = new MqttAsyncClient(url, "test-sub-" + UUID.randomUUID(), new MemoryPersistence());
        client.setCallback(new MqttCallback() {
            @Override
            public void disconnected(MqttDisconnectResponse r) {
            }

            @Override
            public void mqttErrorOccurred(MqttException e) {
            }

            @Override
            public void messageArrived(String topic, MqttMessage message) throws Exception {
                if (topic.endsWith("/status")) {
                    lastStatus = DeviceStatus.decode(message.getPayload());
                    return;
                }
                EventBatch batch = WireCodec.decode(message.getPayload());
                long ackThrough;
                synchronized (batches) {
                    batches.add(batch);
                    TreeSet<Long> seqs = received.computeIfAbsent(batch.deviceId(), d -> new TreeSet<>());
                    batch.events().forEach(e -> seqs.add(e.event().seq()));
                    long t = through.getOrDefault(batch.deviceId(), 0L);
                    while (seqs.contains(t + 1)) {
                        t++;
                    }
                    through.put(batch.deviceId(), t);
                    ackThrough = t;
                }
                if (acknowledges) {
                    client().publish(Topics.ack(batch.deviceId()),
                            new MqttMessage(new Acknowledgement(batch.deviceId(), ackThrough).encode(), 1, true, null));
                }
            }

            @Override
            public void deliveryComplete(IMqttToken token) {
            }

            @Override
            public void connectComplete(boolean reconnect, String serverURI) {
                if (reconnect) {
                    try {
                        // in case the broker lost the session: subscribe again (no-op if it kept it)
                        client().subscribe(new String[] {Topics.EVENTS_FILTER, Topics.STATUS_FILTER}, new int[] {1, 1},
                                null, new MqttActionListener() {
                                    @Override
                                    public void onSuccess(IMqttToken token) {
                                        subscriptions.incrementAndGet();
                                    }

                                    @Override
                                    public void onFailure(IMqttToken token, Throwable exception) {
                                    }
                                });
                    } catch (MqttException e) {
                        throw new IllegalStateException("resubscribe failed", e);
                    }
                }
            }

            @Override
            public void authPacketArrived(int reasonCode, MqttProperties properties) {
            }
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3600L);
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 1);
        client.connect(o).waitForCompletion(10_000);
        client.subscribe(new String[] {Topics.EVENTS_FILTER, Topics.STATUS_FILTER}, new int[] {1, 1})
                .waitForCompletion(10_000);
        subscriptions.incrementAndGet();
    }

    /** How many times the subscription was made: 1 plus one per reconnection. */
    int subscriptions() {
        return subscriptions.get();
    }

    /** The last status message seen (retained or live), or null. */
    DeviceStatus lastStatus() {
        return lastStatus;
    }

    private MqttAsyncClient client() {
        return client;
    }

    List<EventBatch> batches() {
        synchronized (batches) {
            return List.copyOf(batches);
        }
    }

    /** Sequence numbers in arrival order (duplicates included). */
    List<Long> seqs() {
        return batches().stream().flatMap(b -> b.events().stream()).map(e -> e.event().seq()).toList();
    }

    @Override
    public void close() throws MqttException {
        client.disconnectForcibly(0, 1000, false);
        client.close(true);
    }
}

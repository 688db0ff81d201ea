package cn.xinan.collector.ingest;

import cn.xinan.wire.Topics;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The MQTT side of ingest (Eclipse Paho, MQTT 5). It joins the shared subscription to {@code +/events} at
 * QoS 1 with a persistent session (clean start off, session expiry set), so a restarted collector receives
 * what arrived while it was down, and it acknowledges manually: {@code messageArrived} only stamps the
 * receive time and hands the message to the {@link IngestPipeline}, which acknowledges once the events are
 * stored. It also follows every device's retained {@code +/status}.
 *
 * <p>Acknowledgements are tied to the connection they came in on: after a reconnect the broker re-delivers
 * everything unacknowledged, and an old packet id must not acknowledge a new message.
 *
 * <p>Paho reconnects automatically after a lost connection (and we resubscribe on every connect); the very
 * first connection is retried here until it succeeds.
 */
public final class MqttIngest implements AutoCloseable, AckTracker.Sink {
    private static final System.Logger LOG = System.getLogger(MqttIngest.class.getName());

    private final MqttSettings settings;
    private final IngestPipeline pipeline;
    private final DeviceStatusBoard board;
    private final Clock clock;
    private final MqttAsyncClient client;
    private final AtomicLong connection = new AtomicLong();
    private final ScheduledExecutorService retry;
    private volatile boolean subscribed;
    private volatile boolean closed;

    public MqttIngest(MqttSettings settings, IngestPipeline pipeline, DeviceStatusBoard board, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "mqtt settings are missing");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline is missing");
        this.board = Objects.requireNonNull(board, "status board is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        try {
            this.client = new MqttAsyncClient(settings.url(), settings.clientId(), new MemoryPersistence());
        } catch (MqttException e) {
            throw new IllegalArgumentException("mqtt: cannot create a client for " + settings.url() + ": " + e.getMessage(), e);
        }
        client.setManualAcks(true);
        client.setCallback(new Callback());
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xinan-mqtt-connect");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Connects and subscribes, waiting up to the connect timeout; when the broker cannot be reached by then,
     * goes on trying in the background.
     *
     * @return whether it is connected and subscribed
     */
    public boolean start() {
        try {
            IMqttToken token = client.connect(options());
            token.waitForCompletion(settings.connectTimeout().toMillis());
            awaitSubscribed(settings.connectTimeout().toMillis());
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.WARNING, "mqtt: cannot connect to " + settings.url() + " yet (" + e.getMessage()
                    + "); retrying in the background");
            scheduleConnect(2);
        }
        return subscribed;
    }

    /**
     * Waits until the subscriptions are in place. A broker drops what is published to a shared subscription
     * that nobody has subscribed to yet, so whoever starts devices together with a new collector (the replay,
     * the demo) waits for this first.
     *
     * @return whether it is subscribed
     */
    public boolean awaitSubscribed(java.time.Duration timeout) {
        awaitSubscribed(timeout.toMillis());
        return isConnected();
    }

    private void awaitSubscribed(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (this) {
            while (!subscribed && System.nanoTime() < deadline) {
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void scheduleConnect(long delaySeconds) {
        if (closed) {
            return;
        }
        retry.schedule(() -> {
            if (closed || client.isConnected()) {
                return;
            }
            try {
                client.connect(options()).waitForCompletion(settings.connectTimeout().toMillis());
            } catch (MqttException e) {
                LOG.log(System.Logger.Level.DEBUG, "mqtt: connect to " + settings.url() + " failed: " + e.getMessage());
                scheduleConnect(Math.min(30, delaySeconds * 2));
            }
        }, delaySeconds, TimeUnit.SECONDS);
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, 30);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().toSeconds()));
        o.setReceiveMaximum(settings.receiveMaximum());
        if (settings.username() != null) {
            o.setUserName(settings.username());
        }
        if (settings.password() != null) {
            o.setPassword(settings.password().getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    /** Connected to the broker with both subscriptions in place. */
    public boolean isConnected() {
        return subscribed && client.isConnected();
    }

    private void subscribe() {
        MqttSubscription events = new MqttSubscription(settings.eventsFilter(), 1);
        MqttSubscription status = new MqttSubscription(Topics.STATUS_FILTER, 1);
        try {
            IMqttToken token = client.subscribe(new MqttSubscription[]{events, status});
            token.waitForCompletion(settings.connectTimeout().toMillis());
            int[] granted = token.getGrantedQos();
            for (int g : granted) {
                if (g > 2) {
                    throw new MqttException(g);
                }
            }
            synchronized (this) {
                subscribed = true;
                notifyAll();
            }
            LOG.log(System.Logger.Level.INFO, "mqtt: subscribed to " + settings.eventsFilter() + " and "
                    + Topics.STATUS_FILTER + " on " + settings.url() + " as " + settings.clientId());
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.ERROR, "mqtt: subscription refused by " + settings.url() + ": " + e.getMessage()
                    + "; reconnecting");
            try {
                client.disconnect();
            } catch (MqttException ignored) {
                // automatic reconnect takes over
            }
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            connection.incrementAndGet();
            // subscribing waits for the SUBACK: not on Paho's callback thread, which must keep reading
            retry.execute(MqttIngest.this::subscribe);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            subscribed = false;
            connection.incrementAndGet();
            if (!closed) {
                LOG.log(System.Logger.Level.WARNING, "mqtt: connection to " + settings.url() + " lost: " + response
                        + "; reconnecting");
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            if (topic.endsWith("/status")) {
                board.statusMessage(topic, message.getPayload());
                ack(message.getId(), message.getQos(), connection.get());
                return;
            }
            long conn = connection.get();
            int id = message.getId();
            int qos = message.getQos();
            pipeline.submit(new InboundMessage(topic, message.getPayload(), clock.instant(), () -> ack(id, qos, conn)));
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // acknowledgements and resend requests are fire-and-forget: a lost one is published again
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.log(System.Logger.Level.WARNING, "mqtt: " + exception.getMessage());
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }

    /** Publishes the device's end-to-end acknowledgement, retained at QoS 1 (not waiting for the broker). */
    @Override
    public void acknowledge(cn.xinan.wire.Acknowledgement ack) {
        publish(Topics.ack(ack.deviceId()), ack.encode(), true);
    }

    /** Asks a device to send a range again, QoS 1, not retained. */
    @Override
    public void requestResend(cn.xinan.wire.ResendRequest request) {
        publish(Topics.resend(request.deviceId()), request.encode(), false);
    }

    private void publish(String topic, byte[] payload, boolean retained) {
        if (closed || !client.isConnected()) {
            return; // the device sends again after its time-out; the next append acknowledges then
        }
        try {
            client.publish(topic, new MqttMessage(payload, 1, retained, new MqttProperties()));
        } catch (MqttException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "mqtt: publishing on " + topic + " failed: " + e.getMessage());
        }
    }

    private void ack(int id, int qos, long onConnection) {
        if (qos == 0 || onConnection != connection.get()) {
            return; // QoS 0 has no acknowledgement; an old connection's id means nothing on the new one
        }
        try {
            client.messageArrivedComplete(id, qos);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "mqtt: acknowledgement of " + id + " failed: " + e.getMessage());
        }
    }

    /**
     * Disconnects, keeping the session at the broker: what is unacknowledged or still arriving waits there
     * for the next start with the same client id (or goes to the other replicas of the shared group).
     */
    @Override
    public void close() {
        closed = true;
        retry.shutdownNow();
        try {
            if (client.isConnected()) {
                client.disconnect(5_000).waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "mqtt: disconnect: " + e.getMessage());
        }
        try {
            client.close();
        } catch (MqttException e) {
            try {
                client.disconnectForcibly(0, 1000, false);
                client.close();
            } catch (MqttException ignored) {
                // closing anyway
            }
        }
    }

    /** Drops the connection without a DISCONNECT, as a crash would (for tests of recovery). */
    public void crash() {
        closed = true;
        retry.shutdownNow();
        try {
            client.disconnectForcibly(0, 0, false);
        } catch (MqttException ignored) {
            // it is gone either way
        }
        try {
            client.close(true);
        } catch (MqttException ignored) {
            // it is gone either way
        }
    }
}

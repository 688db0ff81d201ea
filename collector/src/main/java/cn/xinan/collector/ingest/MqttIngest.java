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
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The MQTT side of ingest (Eclipse Paho, MQTT 5). It joins the shared subscription to {@code +/events} at
 * QoS 1 with a persistent session (clean start off, session expiry set), so a restarted collector receives
 * what arrived while it was down, and it acknowledges manually: {@code messageArrived} only stamps the
 * receive time and hands the message to the {@link IngestPipeline}, which acknowledges once the events are
 * stored. It also follows every device's retained {@code +/status}.
 *
 * <p>Every network connection gets a Paho client of its own, and this class reconnects (1 s, doubling to 30 s
 * while attempts fail; a watchdog every {@link #WATCHDOG} makes sure an attempt is under way whenever it is not
 * connected). Paho's automatic reconnect would keep one client and send its in-flight publishes again on the next
 * connection exactly as first sent: an acknowledgement sent with a topic alias and no topic (aliases are valid on
 * one connection only) makes the broker close every new connection with a protocol error, so the collector never
 * comes back (eclipse-paho/paho.mqtt.java#1104; met in the fault suite after a Mosquitto restart,
 * {@code BrokerRestartReconnectTest}). Nothing in flight needs carrying over: an acknowledgement is published
 * again by the next append and the devices send again what no acknowledgement covered (docs/mqtt-contract.md).
 *
 * <p>Acknowledgements of received messages are tied to the client they came in on: after a reconnect the broker
 * re-delivers everything unacknowledged, and an old packet id must not acknowledge a new message.
 */
public final class MqttIngest implements AutoCloseable, AckTracker.Sink {
    private static final System.Logger LOG = System.getLogger(MqttIngest.class.getName());
    static final Duration MIN_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofSeconds(30);
    static final Duration WATCHDOG = Duration.ofSeconds(5);

    private final MqttSettings settings;
    private final IngestPipeline pipeline;
    private final DeviceStatusBoard board;
    private final Clock clock;
    private final javax.net.SocketFactory socketFactory;
    /** Runs the connection attempts, one at a time, and the watchdog. */
    private final ScheduledExecutorService retry;
    /** The client of the current (or latest) connection; a new one for every connection. */
    private volatile MqttAsyncClient client;
    /** An attempt is scheduled or running: the disconnect callback and the watchdog do not start another. */
    private final AtomicBoolean attempting = new AtomicBoolean();
    private Duration nextDelay = MIN_RETRY;
    private volatile boolean subscribed;
    private volatile boolean closed;

    public MqttIngest(MqttSettings settings, IngestPipeline pipeline, DeviceStatusBoard board, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "mqtt settings are missing");
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline is missing");
        this.board = Objects.requireNonNull(board, "status board is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.client = newClient(); // a malformed URL or client id is refused here, at start-up
        this.socketFactory = settings.caFile() == null ? null : TrustedCa.socketFactory(settings.caFile());
        this.retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "xinan-mqtt-connect");
            t.setDaemon(true);
            return t;
        });
    }

    private MqttAsyncClient newClient() {
        try {
            MqttAsyncClient c = new MqttAsyncClient(settings.url(), settings.clientId(), new MemoryPersistence());
            c.setManualAcks(true);
            c.setCallback(new Callback(c));
            return c;
        } catch (MqttException | IllegalArgumentException e) {
            throw new IllegalArgumentException("mqtt: cannot create a client for " + settings.url() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Connects and subscribes, waiting up to the connect timeout; when the broker cannot be reached by then,
     * goes on trying in the background.
     *
     * @return whether it is connected and subscribed
     */
    public boolean start() {
        attempting.set(true);
        try {
            connectOnce(client);
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.WARNING, "mqtt: cannot connect to " + settings.url() + " yet (" + e.getMessage()
                    + "); retrying in the background");
        }
        attempting.set(false);
        retry.scheduleWithFixedDelay(this::watchdog, WATCHDOG.toMillis(), WATCHDOG.toMillis(), TimeUnit.MILLISECONDS);
        if (!subscribed) {
            scheduleAttempt(Duration.ofSeconds(2));
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

    /** Schedules one connection attempt after {@code delay}, unless one is scheduled or running already. */
    private void scheduleAttempt(Duration delay) {
        if (closed || !attempting.compareAndSet(false, true)) {
            return;
        }
        try {
            retry.schedule(this::attempt, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            attempting.set(false); // closed meanwhile
        }
    }

    /** On the retry thread: a fresh client, connect, subscribe; on failure the next attempt, later. */
    private void attempt() {
        boolean ok = false;
        try {
            if (closed || isConnected()) {
                ok = true;
                return;
            }
            MqttAsyncClient old = client;
            forceClose(old);
            MqttAsyncClient fresh = newClient();
            client = fresh;
            connectOnce(fresh);
            ok = subscribed && fresh.isConnected();
        } catch (MqttException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "mqtt: connect to " + settings.url() + " failed: " + e.getMessage());
        } finally {
            Duration delay;
            synchronized (this) {
                nextDelay = ok ? MIN_RETRY : min(MAX_RETRY, nextDelay.multipliedBy(2));
                delay = nextDelay;
            }
            attempting.set(false);
            if (!ok) {
                scheduleAttempt(delay);
            } else if (!closed && !isConnected()) {
                scheduleAttempt(MIN_RETRY); // lost again between the subscription and now
            }
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Whenever it is not connected, an attempt is under way: whatever a callback missed. */
    private void watchdog() {
        if (!closed && !isConnected()) {
            Duration delay;
            synchronized (this) {
                delay = nextDelay;
            }
            scheduleAttempt(delay);
        }
    }

    /** Connects {@code c} and subscribes, waiting for each answer up to the connect timeout. */
    private void connectOnce(MqttAsyncClient c) throws MqttException {
        c.connect(options()).waitForCompletion(settings.connectTimeout().toMillis());
        subscribe(c);
    }

    private MqttConnectionOptions options() {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(settings.sessionExpiry().toSeconds());
        o.setAutomaticReconnect(false); // this class reconnects, with a fresh client each time (see above)
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout((int) Math.max(1, settings.connectTimeout().toSeconds()));
        o.setReceiveMaximum(settings.receiveMaximum());
        if (settings.username() != null) {
            o.setUserName(settings.username());
        }
        if (settings.password() != null) {
            o.setPassword(settings.password().getBytes(StandardCharsets.UTF_8));
        }
        if (socketFactory != null) {
            o.setSocketFactory(socketFactory);
        }
        return o;
    }

    /** Connected to the broker with both subscriptions in place. */
    public boolean isConnected() {
        MqttAsyncClient c = client;
        return subscribed && c != null && c.isConnected();
    }

    private void subscribe(MqttAsyncClient c) throws MqttException {
        MqttSubscription events = new MqttSubscription(settings.eventsFilter(), 1);
        MqttSubscription status = new MqttSubscription(Topics.STATUS_FILTER, 1);
        IMqttToken token = c.subscribe(new MqttSubscription[]{events, status});
        token.waitForCompletion(settings.connectTimeout().toMillis());
        int[] granted = token.getGrantedQos();
        for (int g : granted) {
            if (g > 2) {
                LOG.log(System.Logger.Level.ERROR, "mqtt: subscription refused by " + settings.url() + " (reason code "
                        + g + "); reconnecting");
                throw new MqttException(g);
            }
        }
        if (c != client || !c.isConnected()) {
            return; // lost meanwhile
        }
        synchronized (this) {
            subscribed = true;
            notifyAll();
        }
        LOG.log(System.Logger.Level.INFO, "mqtt: subscribed to " + settings.eventsFilter() + " and "
                + Topics.STATUS_FILTER + " on " + settings.url() + " as " + settings.clientId());
    }

    /** Paho's callbacks for one client (one connection): what comes from an older one is ignored. */
    private final class Callback implements MqttCallback {
        private final MqttAsyncClient owner;

        Callback(MqttAsyncClient owner) {
            this.owner = owner;
        }

        @Override
        public void connectComplete(boolean reconnect, String serverUri) {
            // subscribing waits for the SUBACK: done by the attempt that connected, not on Paho's callback thread
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            if (owner != client) {
                return;
            }
            subscribed = false;
            if (!closed) {
                LOG.log(System.Logger.Level.WARNING, "mqtt: connection to " + settings.url() + " lost: " + response
                        + "; reconnecting");
                scheduleAttempt(MIN_RETRY);
            }
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            int id = message.getId();
            int qos = message.getQos();
            if (topic.endsWith("/status")) {
                board.statusMessage(topic, message.getPayload());
                ack(owner, id, qos);
                return;
            }
            pipeline.submit(new InboundMessage(topic, message.getPayload(), clock.instant(), () -> ack(owner, id, qos)));
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
        MqttAsyncClient c = client;
        if (closed || c == null || !c.isConnected()) {
            return; // the device sends again after its time-out; the next append acknowledges then
        }
        try {
            c.publish(topic, new MqttMessage(payload, 1, retained, new MqttProperties()));
        } catch (MqttException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "mqtt: publishing on " + topic + " failed: " + e.getMessage());
        }
    }

    private void ack(MqttAsyncClient receivedBy, int id, int qos) {
        if (qos == 0 || receivedBy != client) {
            return; // QoS 0 has no acknowledgement; an old connection's id means nothing on the new one
        }
        try {
            receivedBy.messageArrivedComplete(id, qos);
        } catch (MqttException | RuntimeException e) {
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
        MqttAsyncClient c = client;
        try {
            if (c.isConnected()) {
                c.disconnect(5_000).waitForCompletion(5_000);
            }
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "mqtt: disconnect: " + e.getMessage());
        }
        try {
            c.close();
        } catch (MqttException e) {
            forceClose(c);
        }
    }

    /** Drops the connection without a DISCONNECT, as a crash would (for tests of recovery). */
    public void crash() {
        closed = true;
        retry.shutdownNow();
        forceClose(client);
    }

    /** Cuts {@code c}'s connection, if any, without a DISCONNECT, and releases it. */
    private static void forceClose(MqttAsyncClient c) {
        try {
            c.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException ignored) {
            // not connected: nothing to cut
        }
        try {
            c.close(true);
        } catch (MqttException | RuntimeException ignored) {
            // released either way
        }
    }
}

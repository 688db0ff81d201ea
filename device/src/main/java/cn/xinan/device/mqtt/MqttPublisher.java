package cn.xinan.device.mqtt;

import cn.xinan.device.outbox.Outbox;
import cn.xinan.wire.DeviceStatus;
import cn.xinan.wire.EventBatch;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignedEvent;
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

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Delivers the outbox to the broker, in order, over MQTT 5 (Eclipse Paho), and deletes only what
 * the broker acknowledged.
 *
 * <p>One thread owns the delivery. It publishes the oldest pending events at QoS 1 (one event per
 * message when that is all there is, batches of up to {@link WireCodec#MAX_EVENTS_PER_BATCH} with a
 * batch signature when catching up on a backlog), waits for the PUBACK, deletes through the last
 * acknowledged sequence number, and goes on. One message is in flight at a time: that keeps the
 * order trivially and costs little, because a backlog goes out in batches.
 *
 * <p>The outbox, not Paho, is the source of truth: Paho keeps nothing (memory persistence), and
 * every connection gets a fresh client. When a connection fails, whatever was not acknowledged is
 * simply published again from the outbox on the next one, which the collector de-duplicates by
 * event id. Reconnection is automatic with exponential backoff (min delay doubling to max delay;
 * those waits are real network time, not the device clock).
 *
 * <p>Connection: client id and user name = device id, password from config, clean start false,
 * last will = {@link DeviceStatus} offline (retained); right after connecting it publishes
 * {@link DeviceStatus} online (retained).
 *
 * <p>Recording never waits for this class: {@link #wake()} only sets a flag.
 */
public final class MqttPublisher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MqttPublisher.class.getName());
    /** How long the broker has to answer a CONNECT or a PUBLISH before the connection is dropped. */
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    /** The broker keeps the (empty) session this long across outages: 7 days. */
    private static final long SESSION_EXPIRY_SECONDS = 7L * 24 * 3600;
    private static final int KEEP_ALIVE_SECONDS = 30;

    private final String deviceId;
    private final String url;
    private final String password;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final Outbox outbox;
    private final EventSigner signer;
    private final Clock clock;
    private final String firmware;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // all guarded by lock
    private boolean running;
    private boolean networkAllowed = true;
    private boolean pending = true;
    private MqttAsyncClient client;
    private boolean connectionLost;
    private Thread thread;
    private long messagesAcknowledged;
    private long eventsAcknowledged;

    public MqttPublisher(String deviceId, String url, String password, Duration reconnectMinDelay,
                         Duration reconnectMaxDelay, Outbox outbox, EventSigner signer, Clock clock, String firmware) {
        this.deviceId = Objects.requireNonNull(deviceId, "device id is missing");
        this.url = Objects.requireNonNull(url, "broker url is missing");
        this.password = Objects.requireNonNullElse(password, "");
        this.minDelay = Objects.requireNonNull(reconnectMinDelay, "reconnect min delay is missing");
        this.maxDelay = Objects.requireNonNull(reconnectMaxDelay, "reconnect max delay is missing");
        this.outbox = Objects.requireNonNull(outbox, "outbox is missing");
        this.signer = Objects.requireNonNull(signer, "signer is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.firmware = firmware;
    }

    /** Starts the delivery thread. */
    public void start() {
        lock.lock();
        try {
            if (thread != null) {
                throw new IllegalStateException("publisher already started");
            }
            running = true;
            thread = Thread.ofPlatform().daemon().name("xinan-publisher-" + deviceId).start(this::deliverLoop);
        } finally {
            lock.unlock();
        }
    }

    /** Something was recorded: deliver it when connected. Never blocks. */
    public void wake() {
        signal(() -> pending = true);
    }

    /**
     * Simulates losing the network: the connection is cut at once (no DISCONNECT packet, so the
     * broker publishes the last will) and nothing is published until {@link #networkUp()}.
     * Unacknowledged events stay in the outbox.
     */
    public void networkDown() {
        signal(() -> networkAllowed = false);
        dropConnection();
    }

    /** The network is back: reconnect at once (the backoff starts over) and deliver the backlog. */
    public void networkUp() {
        signal(() -> networkAllowed = true);
    }

    /** Whether a broker connection is up right now. */
    public boolean isConnected() {
        MqttAsyncClient c = currentClient();
        return c != null && c.isConnected();
    }

    /**
     * Publishes the online status again, stamped with the clock's time now: for a simulated device whose
     * clock was far behind real time when it connected (the demo replays history, then runs live).
     *
     * @return whether it was published (false when not connected)
     */
    public boolean announceOnline() {
        MqttAsyncClient c = currentClient();
        if (c == null || !c.isConnected()) {
            return false;
        }
        try {
            c.publish(Topics.status(deviceId), status(true));
            return true;
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.DEBUG, "status of {0} not published: {1}", deviceId, e.getMessage());
            return false;
        }
    }

    /** PUBACKs received for event messages. */
    public long messagesAcknowledged() {
        lock.lock();
        try {
            return messagesAcknowledged;
        } finally {
            lock.unlock();
        }
    }

    /** Events in acknowledged messages (and so deleted from the outbox). */
    public long eventsAcknowledged() {
        lock.lock();
        try {
            return eventsAcknowledged;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Abrupt stop (power loss): the connection is cut without a DISCONNECT (the broker publishes the
     * last will), the delivery thread ends, and nothing more touches the outbox after this returns.
     */
    public void halt() {
        stopThread();
        dropConnection();
    }

    /** Orderly stop: publishes the offline status itself, then disconnects. */
    @Override
    public void close() {
        stopThread();
        MqttAsyncClient c = takeClient();
        if (c != null) {
            try {
                if (c.isConnected()) {
                    c.publish(Topics.status(deviceId), status(false))
                            .waitForCompletion(TimeUnit.SECONDS.toMillis(5));
                    c.disconnect(TimeUnit.SECONDS.toMillis(5)).waitForCompletion(TimeUnit.SECONDS.toMillis(5));
                }
            } catch (MqttException e) {
                LOG.log(System.Logger.Level.DEBUG, "orderly disconnect of {0} failed: {1}", deviceId, e.getMessage());
            }
            forceClose(c);
        }
    }

    // ---- the delivery thread -------------------------------------------------------------------

    private void deliverLoop() {
        Duration delay = minDelay;
        while (isRunning()) {
            if (!awaitNetworkAllowed()) {
                break;
            }
            if (currentClient() == null) {
                if (connect()) {
                    delay = minDelay;
                } else {
                    dropConnection();
                    long deadline = System.nanoTime() + delay.toNanos();
                    // wait out the backoff, unless told to stop or the network comes back after a down
                    awaitUntil(() -> !running || !networkAllowed, deadline);
                    delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
                    continue;
                }
            }
            lock.lock();
            try {
                pending = false; // cleared before reading, so a wake() during the read is not lost
            } finally {
                lock.unlock();
            }
            List<SignedEvent> events;
            try {
                events = outbox.oldest(WireCodec.MAX_EVENTS_PER_BATCH);
            } catch (RuntimeException e) {
                if (!isRunning()) {
                    break;
                }
                LOG.log(System.Logger.Level.ERROR, "cannot read the outbox of " + deviceId, e);
                awaitUntil(() -> !running, System.nanoTime() + minDelay.toNanos());
                continue;
            }
            if (events.isEmpty()) {
                awaitUntil(() -> !running || pending || connectionLost || !networkAllowed, Long.MAX_VALUE);
                if (connectionLost) {
                    dropConnection();
                }
                continue;
            }
            if (!publishAndAwaitAck(events)) {
                dropConnection();
            }
        }
    }

    /** @return true when the broker acknowledged the message and the events left the outbox */
    private boolean publishAndAwaitAck(List<SignedEvent> events) {
        MqttAsyncClient c = currentClient();
        if (c == null) {
            return false;
        }
        byte[] payload = encode(events);
        int count = countOf(payload, events);
        if (count < events.size()) {
            events = events.subList(0, count);
            payload = encode(events);
        }
        Answer answer = new Answer();
        try {
            MqttMessage message = new MqttMessage(payload, 1, false, new MqttProperties());
            c.publish(Topics.events(deviceId), message, null, answer);
        } catch (MqttException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "publish by {0} failed: {1}", deviceId, e.getMessage());
            return false;
        }
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        awaitUntil(() -> !running || answer.done || connectionLost || !networkAllowed, deadline);
        lock.lock();
        try {
            if (!running || !answer.ok) {
                if (running && answer.done) {
                    LOG.log(System.Logger.Level.WARNING, "broker refused events of {0}: {1}", deviceId, answer.failure);
                }
                return false;
            }
        } finally {
            lock.unlock();
        }
        long lastSeq = events.get(events.size() - 1).event().seq();
        outbox.deleteThrough(lastSeq);
        lock.lock();
        try {
            messagesAcknowledged++;
            eventsAcknowledged += events.size();
        } finally {
            lock.unlock();
        }
        return true;
    }

    private byte[] encode(List<SignedEvent> events) {
        return WireCodec.encode(signer.batch(deviceId, events));
    }

    /** How many of {@code events} fit the payload limit, given the size of all of them encoded. */
    private int countOf(byte[] payload, List<SignedEvent> events) {
        int count = events.size();
        int size = payload.length;
        while (size > WireCodec.MAX_PAYLOAD_BYTES && count > 1) {
            count = count / 2;
            size = encode(events.subList(0, count)).length;
        }
        return count;
    }

    private boolean connect() {
        MqttAsyncClient c;
        try {
            c = new MqttAsyncClient(url, deviceId, new MemoryPersistence());
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.ERROR, "cannot create an MQTT client for " + url, e);
            return false;
        }
        c.setCallback(new ConnectionWatch(c));
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(false);
        options.setSessionExpiryInterval(SESSION_EXPIRY_SECONDS);
        options.setUserName(deviceId);
        if (!password.isEmpty()) {
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        options.setWill(Topics.status(deviceId), new MqttMessage(
                new DeviceStatus(deviceId, false, null, firmware).encode(), 1, true, new MqttProperties()));
        options.setAutomaticReconnect(false); // this class reconnects: a fresh client per connection
        options.setKeepAliveInterval(KEEP_ALIVE_SECONDS);
        options.setConnectionTimeout((int) ANSWER_TIMEOUT.toSeconds());
        lock.lock();
        try {
            if (!running || !networkAllowed) {
                forceClose(c);
                return false;
            }
            client = c;
            connectionLost = false;
        } finally {
            lock.unlock();
        }
        Answer answer = new Answer();
        try {
            c.connect(options, null, answer);
        } catch (MqttException | RuntimeException e) {
            LOG.log(System.Logger.Level.INFO, "{0} cannot connect to {1}: {2}", deviceId, url, e.getMessage());
            return false;
        }
        awaitUntil(() -> !running || answer.done || !networkAllowed || client != c,
                System.nanoTime() + ANSWER_TIMEOUT.toNanos());
        lock.lock();
        try {
            if (!answer.ok || client != c || !running || !networkAllowed) {
                if (answer.done && !answer.ok) {
                    LOG.log(System.Logger.Level.INFO, "{0} cannot connect to {1}: {2}", deviceId, url, answer.failure);
                }
                return false;
            }
        } finally {
            lock.unlock();
        }
        try {
            c.publish(Topics.status(deviceId), status(true));
        } catch (MqttException e) {
            return false;
        }
        LOG.log(System.Logger.Level.INFO, "{0} connected to {1}", deviceId, url);
        return true;
    }

    private MqttMessage status(boolean online) {
        return new MqttMessage(new DeviceStatus(deviceId, online, clock.instant(), firmware).encode(), 1, true,
                new MqttProperties());
    }

    // ---- connection handling -------------------------------------------------------------------

    /** Cuts the current connection, if any, without a DISCONNECT packet (the broker sends the will). */
    private void dropConnection() {
        MqttAsyncClient c = takeClient();
        if (c != null) {
            forceClose(c);
        }
    }

    private MqttAsyncClient takeClient() {
        lock.lock();
        try {
            MqttAsyncClient c = client;
            client = null;
            connectionLost = false;
            changed.signalAll();
            return c;
        } finally {
            lock.unlock();
        }
    }

    private MqttAsyncClient currentClient() {
        lock.lock();
        try {
            return client;
        } finally {
            lock.unlock();
        }
    }

    private static void forceClose(MqttAsyncClient c) {
        try {
            c.disconnectForcibly(0, 0, false);
        } catch (MqttException | RuntimeException e) {
            // already disconnected or never connected: nothing to cut
        }
        try {
            c.close(true);
        } catch (MqttException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing an MQTT client: {0}", e.getMessage());
        }
    }

    private void stopThread() {
        Thread t;
        lock.lock();
        try {
            running = false;
            changed.signalAll();
            t = thread;
        } finally {
            lock.unlock();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ---- waiting ---------------------------------------------------------------------------------

    private boolean isRunning() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    /** Waits while the network is (simulated) down; false when stopped. */
    private boolean awaitNetworkAllowed() {
        awaitUntil(() -> !running || networkAllowed, Long.MAX_VALUE);
        return isRunning();
    }

    /** Waits, holding nothing, until {@code done} holds (checked under the lock) or the deadline passes. */
    private void awaitUntil(BooleanSupplier done, long deadlineNanos) {
        lock.lock();
        try {
            while (!done.getAsBoolean()) {
                if (deadlineNanos == Long.MAX_VALUE) {
                    changed.await();
                } else {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        return;
                    }
                    changed.awaitNanos(left);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        } finally {
            lock.unlock();
        }
    }

    private void signal(Runnable change) {
        lock.lock();
        try {
            change.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The outcome of one CONNECT or PUBLISH, filled in by Paho's thread. */
    private final class Answer implements MqttActionListener {
        private boolean done; // guarded by lock
        private boolean ok;
        private String failure;

        @Override
        public void onSuccess(IMqttToken token) {
            signal(() -> {
                done = true;
                ok = true;
            });
        }

        @Override
        public void onFailure(IMqttToken token, Throwable exception) {
            signal(() -> {
                done = true;
                failure = String.valueOf(exception);
            });
        }
    }

    /** Notices a lost connection of one client (a stale client's news is ignored). */
    private final class ConnectionWatch implements MqttCallback {
        private final MqttAsyncClient owner;

        ConnectionWatch(MqttAsyncClient owner) {
            this.owner = owner;
        }

        private void lost(String why) {
            signal(() -> {
                if (client == owner) {
                    connectionLost = true;
                    LOG.log(System.Logger.Level.INFO, "{0} lost its connection: {1}", deviceId, why);
                }
            });
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            lost(String.valueOf(response));
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            lost(String.valueOf(exception));
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // the device subscribes to nothing
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // acknowledgements are handled per message by Answer
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // connect outcomes are handled by Answer
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no enhanced authentication
        }
    }
}

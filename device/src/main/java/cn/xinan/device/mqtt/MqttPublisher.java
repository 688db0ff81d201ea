package cn.xinan.device.mqtt;

import cn.xinan.device.outbox.Outbox;
import cn.xinan.wire.Acknowledgement;
import cn.xinan.wire.DeviceHealth;
import cn.xinan.wire.DeviceStatus;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.ResendRequest;
import cn.xinan.wire.SignedEvent;
import cn.xinan.wire.Topics;
import cn.xinan.wire.WireCodec;
import cn.xinan.wire.WireFormatException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
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
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Delivers the outbox over MQTT 5 (Eclipse Paho), in order, and deletes only what a <b>collector</b>
 * acknowledged as durably stored ({@code {deviceId}/ack}, docs/mqtt-contract.md): a broker's PUBACK only
 * lets the next message go.
 *
 * <p>One thread owns the delivery. It publishes the pending events after the last one sent on this
 * connection at QoS 1 (one event per message when that is all there is, batches of up to
 * {@link WireCodec#MAX_EVENTS_PER_BATCH} with a batch signature when catching up on a backlog), waits for
 * the PUBACK and goes on; one message is in flight at a time, which keeps the order trivially. It applies
 * the collectors' acknowledgements (deleting through them), answers their resend requests from what the
 * outbox still holds, and sends everything unacknowledged again after every reconnect and whenever no
 * acknowledgement advanced for the ack time-out (doubling, up to 16 times, while nothing comes back).
 *
 * <p>The outbox, not Paho, is the source of truth: Paho keeps nothing (memory persistence), and
 * every connection gets a fresh client. Duplicates on the wire are harmless: the collector counts an
 * event id once. Reconnection is automatic with exponential backoff (min delay doubling to max delay;
 * those waits are real network time, not the device clock).
 *
 * <p>Connection: client id and user name = device id, password from config, clean start false,
 * last will = {@link DeviceStatus} offline (retained, signed when the connection is made); right after
 * connecting it subscribes to its {@code ack} and {@code resend} topics and publishes a signed
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
    /** The ack time-out doubles while resending brings no acknowledgement, up to this factor. */
    private static final int MAX_ACK_BACKOFF = 16;

    private final String deviceId;
    private final String url;
    private final String password;
    private final Duration minDelay;
    private final Duration maxDelay;
    private final Duration ackTimeout;
    private final Outbox outbox;
    private final EventSigner signer;
    private final Clock clock;
    private final String firmware;
    /** The device's latest health, carried by every online status (schema 2); null until the device reports one. */
    private volatile DeviceHealth health;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // all guarded by lock
    private boolean running;
    private boolean networkAllowed = true;
    private boolean pending = true;
    private boolean statusDue;
    private MqttAsyncClient client;
    private boolean connectionLost;
    private Thread thread;
    private long messagesAcknowledged;
    private long brokerTookThrough; // the highest seq in a message the broker PUBACKed
    private final Deque<Acknowledgement> acks = new ArrayDeque<>(); // received, not yet checked
    private long ackedThrough; // the highest collector acknowledgement applied
    private final Deque<ResendRequest> resendRequests = new ArrayDeque<>();
    private long resendRequestsAnswered;
    private long timeoutResends;
    // the delivery thread's own
    private long sentThrough;
    private long deletedThrough;
    private long waitingSinceNanos;
    private boolean waiting;
    private int ackBackoff = 1;

    /**
     * @param ackTimeout send the unacknowledged events again when no collector acknowledgement advanced for this long
     */
    public MqttPublisher(String deviceId, String url, String password, Duration reconnectMinDelay,
                         Duration reconnectMaxDelay, Duration ackTimeout, Outbox outbox, EventSigner signer, Clock clock,
                         String firmware) {
        this.deviceId = Objects.requireNonNull(deviceId, "device id is missing");
        this.url = Objects.requireNonNull(url, "broker url is missing");
        this.password = Objects.requireNonNullElse(password, "");
        this.minDelay = Objects.requireNonNull(reconnectMinDelay, "reconnect min delay is missing");
        this.maxDelay = Objects.requireNonNull(reconnectMaxDelay, "reconnect max delay is missing");
        this.ackTimeout = Objects.requireNonNull(ackTimeout, "ack time-out is missing");
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

    /**
     * The device's health now: the next online status carries it (the one after a connect, or the one
     * {@link #publishStatus()} asks for). Never blocks.
     */
    public void reportHealth(DeviceHealth now) {
        health = Objects.requireNonNull(now, "health is missing");
    }

    /**
     * Publishes the online status with the latest health on the delivery thread as soon as it is connected (the
     * periodic status, docs/mqtt-contract.md "Status schema 2"). Never blocks; one request while one is waiting
     * counts once.
     */
    public void publishStatus() {
        signal(() -> statusDue = true);
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

    /** The highest sequence number in a message the broker acknowledged (PUBACK) in this run. */
    public long brokerTookThrough() {
        lock.lock();
        try {
            return brokerTookThrough;
        } finally {
            lock.unlock();
        }
    }

    /** The highest sequence number a collector acknowledged as stored (0 until one did). */
    public long acknowledgedThrough() {
        lock.lock();
        try {
            return ackedThrough;
        } finally {
            lock.unlock();
        }
    }

    /** Resend requests of collectors answered (this run). */
    public long resendRequestsAnswered() {
        lock.lock();
        try {
            return resendRequestsAnswered;
        } finally {
            lock.unlock();
        }
    }

    /** How often unacknowledged events were sent again because the ack time-out passed (this run). */
    public long timeoutResends() {
        lock.lock();
        try {
            return timeoutResends;
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
                    sentThrough = 0; // a new connection: everything unacknowledged goes out again
                    waiting = false;
                } else {
                    dropConnection();
                    long deadline = System.nanoTime() + delay.toNanos();
                    // wait out the backoff, unless told to stop or the network comes back after a down
                    awaitUntil(() -> !running || !networkAllowed, deadline);
                    delay = delay.multipliedBy(2).compareTo(maxDelay) > 0 ? maxDelay : delay.multipliedBy(2);
                    continue;
                }
            }
            try {
                if (!deliverOnce()) {
                    dropConnection();
                }
            } catch (RuntimeException e) {
                if (!isRunning()) {
                    break;
                }
                LOG.log(System.Logger.Level.ERROR, "cannot use the outbox of " + deviceId, e);
                awaitUntil(() -> !running, System.nanoTime() + minDelay.toNanos());
            }
        }
    }

    /**
     * One step: apply an acknowledgement, answer a resend request, publish what was not sent yet, or wait.
     *
     * @return false when the connection must be dropped
     */
    private boolean deliverOnce() {
        applyAcknowledgement();
        ResendRequest resend;
        boolean publishStatus;
        lock.lock();
        try {
            publishStatus = statusDue;
            statusDue = false;
            resend = resendRequests.poll();
            pending = false; // cleared before reading, so a wake() during the read is not lost
        } finally {
            lock.unlock();
        }
        if (publishStatus && !publishStatusNow()) {
            return false;
        }
        if (resend != null) {
            return answer(resend);
        }
        List<SignedEvent> events = outbox.after(sentThrough, WireCodec.MAX_EVENTS_PER_BATCH);
        if (!events.isEmpty()) {
            return publishAndAwaitPuback(events);
        }
        boolean unacknowledged = sentThrough > deletedThrough && outbox.depth() > 0;
        long deadline = Long.MAX_VALUE;
        if (unacknowledged) {
            if (!waiting) {
                waiting = true;
                waitingSinceNanos = System.nanoTime();
            }
            deadline = waitingSinceNanos + ackTimeout.toNanos() * ackBackoff;
            if (System.nanoTime() - deadline >= 0) {
                LOG.log(System.Logger.Level.INFO, "{0}: no collector acknowledged seq {1} to {2} within {3}; sending "
                        + "them again", deviceId, deletedThrough + 1, sentThrough, ackTimeout.multipliedBy(ackBackoff));
                signal(() -> timeoutResends++);
                sentThrough = deletedThrough;
                waitingSinceNanos = System.nanoTime();
                ackBackoff = Math.min(MAX_ACK_BACKOFF, ackBackoff * 2);
                return true;
            }
        } else {
            waiting = false;
        }
        awaitUntil(() -> !running || pending || statusDue || !acks.isEmpty() || !resendRequests.isEmpty() || connectionLost
                || !networkAllowed, deadline);
        lock.lock();
        try {
            return !connectionLost;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes through the highest acknowledgement received that is about this device's own events: its seq was
     * recorded here and, when the ack names the event id stored under it, that is the id of our event with that
     * seq. Anything else (a retained ack left by an earlier life of this device id) is logged and ignored.
     */
    private void applyAcknowledgement() {
        List<Acknowledgement> received;
        lock.lock();
        try {
            received = List.copyOf(acks);
            acks.clear();
        } finally {
            lock.unlock();
        }
        long through = deletedThrough;
        for (Acknowledgement ack : received) {
            if (ack.through() <= through) {
                continue;
            }
            boolean ours = ack.through() <= outbox.lastSeq() && (ack.throughEventId() == null
                    || outbox.eventIdAt(ack.through()).map(ack.throughEventId()::equals).orElse(false));
            if (ours) {
                through = ack.through();
            } else {
                LOG.log(System.Logger.Level.WARNING, "{0}: ignoring an acknowledgement through seq {1} (event {2}): not "
                        + "this device''s event (left by an earlier life of this device id?)", deviceId, ack.through(),
                        ack.throughEventId());
            }
        }
        if (through > deletedThrough) {
            final long applied = through;
            signal(() -> ackedThrough = Math.max(ackedThrough, applied));
            outbox.deleteThrough(through);
            deletedThrough = through;
            sentThrough = Math.max(sentThrough, through);
            waitingSinceNanos = System.nanoTime(); // progress: the time-out starts over
            ackBackoff = 1;
        }
    }

    /** Publishes (a first batch of) the requested range that the outbox still holds; the rest is queued again. */
    private boolean answer(ResendRequest request) {
        long from = Math.max(request.from(), deletedThrough + 1);
        if (from > request.to()) {
            return true; // already acknowledged meanwhile
        }
        List<SignedEvent> events = outbox.between(from, request.to(), WireCodec.MAX_EVENTS_PER_BATCH);
        if (events.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, "{0}: a collector asked for seq {1} to {2}, which this outbox no longer "
                    + "holds", deviceId, from, request.to());
            return true;
        }
        long last = events.get(events.size() - 1).event().seq();
        if (!publishAndAwaitPuback(events)) {
            signal(() -> resendRequests.addFirst(request)); // answered on the next connection
            return false;
        }
        lock.lock();
        try {
            if (last < request.to()) {
                resendRequests.addFirst(new ResendRequest(deviceId, last + 1, request.to()));
            } else {
                resendRequestsAnswered++;
            }
        } finally {
            lock.unlock();
        }
        return true;
    }

    /**
     * Publishes one message of (a prefix of) {@code events} and waits for the broker's PUBACK.
     *
     * @return true when the broker took it; the events stay in the outbox until a collector acknowledges them
     */
    private boolean publishAndAwaitPuback(List<SignedEvent> events) {
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
            messagesAcknowledged++;
            brokerTookThrough = Math.max(brokerTookThrough, events.get(events.size() - 1).event().seq());
        } finally {
            lock.unlock();
        }
        sentThrough = Math.max(sentThrough, events.get(events.size() - 1).event().seq());
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
        // signed now, sent by the broker when the connection is lost (it has no time: that is unknown now)
        options.setWill(Topics.status(deviceId), new MqttMessage(
                new DeviceStatus(deviceId, false, null, firmware).encodeSigned(signer), 1, true, new MqttProperties()));
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
        if (!subscribe(c)) {
            return false;
        }
        try {
            c.publish(Topics.status(deviceId), status(true));
        } catch (MqttException e) {
            return false;
        }
        LOG.log(System.Logger.Level.INFO, "{0} connected to {1}", deviceId, url);
        return true;
    }

    /**
     * Subscribes to the collectors' acknowledgements (retained: the latest arrives at once) and resend requests.
     * A broker that refuses (its ACL lacks {@code read %u/ack}) leaves the events undeletable: logged as an
     * error, delivery goes on.
     *
     * @return false when the connection failed meanwhile
     */
    private boolean subscribe(MqttAsyncClient c) {
        try {
            IMqttToken token = c.subscribe(new MqttSubscription[]{
                    new MqttSubscription(Topics.ack(deviceId), 1), new MqttSubscription(Topics.resend(deviceId), 1)});
            token.waitForCompletion(ANSWER_TIMEOUT.toMillis());
            int[] granted = token.getReasonCodes();
            for (int code : granted == null ? new int[0] : granted) {
                if (code > 2) {
                    LOG.log(System.Logger.Level.ERROR, "{0}: the broker refused the subscription to {1} and {2} (reason "
                            + "code {3}): no collector acknowledgement can reach this device, so its outbox is never "
                            + "emptied; the broker's ACL must let it read them", deviceId, Topics.ack(deviceId),
                            Topics.resend(deviceId), code);
                }
            }
            return true;
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.INFO, "{0}: subscribing to its acknowledgements failed: {1}", deviceId,
                    e.getMessage());
            return false;
        }
    }

    /** @return false when the connection is gone (the status goes out again after the next connect anyway) */
    private boolean publishStatusNow() {
        MqttAsyncClient c = currentClient();
        if (c == null) {
            return false;
        }
        try {
            c.publish(Topics.status(deviceId), status(true));
            return true;
        } catch (MqttException e) {
            LOG.log(System.Logger.Level.INFO, "status of {0} not published: {1}", deviceId, e.getMessage());
            return false;
        }
    }

    /** The online status carries the latest health (status schema 2); the offline one never does (schema 1). */
    private MqttMessage status(boolean online) {
        DeviceStatus status = new DeviceStatus(deviceId, online, clock.instant(), firmware, online ? health : null);
        return new MqttMessage(status.encodeSigned(signer), 1, true, new MqttProperties());
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
            try {
                if (topic.equals(Topics.ack(deviceId))) {
                    Acknowledgement ack = Acknowledgement.decode(message.getPayload());
                    if (ack.deviceId().equals(deviceId)) {
                        signal(() -> {
                            if (ack.through() > ackedThrough) {
                                if (acks.size() == 100) {
                                    acks.pollFirst(); // a flood: the newest ones matter
                                }
                                acks.addLast(ack);
                            }
                        });
                        return;
                    }
                } else if (topic.equals(Topics.resend(deviceId))) {
                    ResendRequest request = ResendRequest.decode(message.getPayload());
                    if (request.deviceId().equals(deviceId)) {
                        signal(() -> {
                            if (resendRequests.size() < 100) { // collectors repeat a request that is not answered
                                resendRequests.addLast(request);
                            }
                        });
                        return;
                    }
                }
                LOG.log(System.Logger.Level.WARNING, "{0}: ignoring a message for another device on {1}", deviceId, topic);
            } catch (WireFormatException e) {
                LOG.log(System.Logger.Level.WARNING, "{0}: ignoring a malformed message on {1}: {2}", deviceId, topic,
                        e.getMessage());
            }
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

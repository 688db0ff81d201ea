package cn.xinan.testing.mqtt;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may connect, publish and read what on a broker started with the password file and ACL {@code xinan provision}
 * generates (docs/provisioning.md, "Broker files"): anonymous and wrong passwords refused, device A cannot publish as
 * B nor read what is addressed to B, a device cannot subscribe to {@code #} nor join the collectors' shared group, a
 * retired device is refused. Every broker the product runs with those files holds these cases.
 *
 * <p>A subclass provisions a district with two devices in service (A and B), a device retired after it had an
 * account, and a collector account, starts its broker with the generated files, and hands the accounts to
 * {@link #accounts} in its {@code @BeforeAll}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ProvisionedBrokerAccessContract {
    private static final long WAIT_MS = 10_000;
    /** SUBACK reason code "not authorised". */
    private static final int NOT_AUTHORISED = 0x87;

    /** A user name and password from the provisioned district. */
    public record Account(String user, String password) {
        public Account {
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(password, "password");
        }
    }

    private Account a;
    private Account b;
    private Account retired;
    private Account collector;

    /** The broker's URL, e.g. {@code tcp://127.0.0.1:1883}. */
    protected abstract String url();

    /** Adds what this broker's clients need to the connection options (TLS, for one); nothing by default. */
    protected void configure(MqttConnectionOptions options) {
    }

    /** The accounts the cases use; call once the broker runs. */
    protected final void accounts(Account deviceA, Account deviceB, Account retiredDevice, Account collectorAccount) {
        this.a = Objects.requireNonNull(deviceA, "deviceA");
        this.b = Objects.requireNonNull(deviceB, "deviceB");
        this.retired = Objects.requireNonNull(retiredDevice, "retiredDevice");
        this.collector = Objects.requireNonNull(collectorAccount, "collectorAccount");
    }

    /** Device A's account, as handed to {@link #accounts}. */
    protected final Account deviceA() {
        return Objects.requireNonNull(a, "accounts(...) was not called");
    }

    /** A connected client (its client id its user name, as both brokers require); messages it receives go to {@code inbox}. */
    protected final MqttClient connect(Account account, BlockingQueue<String> inbox) throws MqttException {
        return connect(account.user(), account.password(), inbox, this::configure);
    }

    /**
     * A client connected with these options ({@code user} null: anonymous); messages it receives go to {@code inbox}
     * as "topic payload" lines.
     */
    protected final MqttClient connect(String user, String password, BlockingQueue<String> inbox,
                                       Consumer<MqttConnectionOptions> configure) throws MqttException {
        MqttClient c = new MqttClient(url(), user == null ? "anon-" + UUID.randomUUID() : user, new MemoryPersistence());
        c.setCallback(OnMessage.of((topic, message) ->
                inbox.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8))));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        configure.accept(o);
        c.connect(o);
        return c;
    }

    private static void publish(MqttClient c, String topic, String text) throws MqttException {
        MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        c.publish(topic, m);
    }

    /** Subscribes; returns the SUBACK reason codes. */
    private static int[] subscribe(MqttClient c, String... filters) throws MqttException {
        MqttSubscription[] subs = new MqttSubscription[filters.length];
        for (int i = 0; i < filters.length; i++) {
            subs[i] = new MqttSubscription(filters[i], 1);
        }
        return c.subscribe(subs).getReasonCodes();
    }

    private static void close(MqttClient... clients) {
        for (MqttClient c : clients) {
            try {
                if (c.isConnected()) {
                    c.disconnect();
                }
                c.close();
            } catch (MqttException ignored) {
                // teardown
            }
        }
    }

    @Test
    void aDeviceAndTheCollectorConnectWithTheirGeneratedPasswords() throws Exception {
        BlockingQueue<String> collectorInbox = new LinkedBlockingQueue<>();
        MqttClient collectorClient = connect(collector, collectorInbox);
        MqttClient device = connect(a, new LinkedBlockingQueue<>());
        try {
            assertThat(subscribe(collectorClient, "$share/xinan-collectors/+/events")).containsExactly(1);
            publish(device, a.user() + "/events", "hello");
            assertThat(collectorInbox.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(a.user() + "/events hello");
        } finally {
            close(collectorClient, device);
        }
    }

    @Test
    void anonymousAndWrongPasswordsAreRefused() {
        assertThatThrownBy(() -> connect(null, null, new LinkedBlockingQueue<>(), this::configure))
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect(new Account(a.user(), b.password()), new LinkedBlockingQueue<>()))
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect(new Account(collector.user(), a.password()), new LinkedBlockingQueue<>()))
                .isInstanceOf(MqttException.class);
    }

    @Test
    void aRetiredDeviceIsRefused() {
        assertThatThrownBy(() -> connect(retired, new LinkedBlockingQueue<>())).isInstanceOf(MqttException.class);
    }

    @Test
    void deviceACannotPublishAsB() throws Exception {
        BlockingQueue<String> collectorInbox = new LinkedBlockingQueue<>();
        MqttClient collectorClient = connect(collector, collectorInbox);
        MqttClient deviceA = connect(a, new LinkedBlockingQueue<>());
        try {
            subscribe(collectorClient, "+/events", "+/status");
            try {
                publish(deviceA, b.user() + "/events", "forged");
                publish(deviceA, b.user() + "/status", "forged");
            } catch (MqttException refused) {
                // the broker may answer the PUBACK with "not authorised" or close the connection: refused either way
            }
            if (!deviceA.isConnected()) {
                close(deviceA);
                deviceA = connect(a, new LinkedBlockingQueue<>());
            }
            publish(deviceA, a.user() + "/events", "own");
            // one publisher's order is kept: once A's own message is here, a forged one would be too
            assertThat(collectorInbox.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(a.user() + "/events own");
            assertThat(collectorInbox).isEmpty();
        } finally {
            close(collectorClient, deviceA);
        }
    }

    @Test
    void deviceACannotReadWhatIsAddressedToB() throws Exception {
        BlockingQueue<String> inboxA = new LinkedBlockingQueue<>();
        MqttClient collectorClient = connect(collector, new LinkedBlockingQueue<>());
        MqttClient deviceA = connect(a, inboxA);
        try {
            int[] codes = subscribe(deviceA, b.user() + "/ack", b.user() + "/resend", a.user() + "/ack");
            assertThat(codes[0]).isEqualTo(NOT_AUTHORISED);
            assertThat(codes[1]).isEqualTo(NOT_AUTHORISED);
            assertThat(codes[2]).isEqualTo(1);
            publish(collectorClient, b.user() + "/ack", "7");
            publish(collectorClient, b.user() + "/resend", "1-5");
            publish(collectorClient, a.user() + "/ack", "3");
            assertThat(inboxA.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(a.user() + "/ack 3");
            assertThat(inboxA).isEmpty();
        } finally {
            close(collectorClient, deviceA);
        }
    }

    @Test
    void aDeviceCannotReadEverythingNorJoinTheCollectorsGroup() throws Exception {
        BlockingQueue<String> collectorInbox = new LinkedBlockingQueue<>();
        BlockingQueue<String> inboxA = new LinkedBlockingQueue<>();
        MqttClient collectorClient = connect(collector, collectorInbox);
        MqttClient deviceA = connect(a, inboxA);
        MqttClient deviceB = connect(b, new LinkedBlockingQueue<>());
        try {
            assertThat(subscribe(collectorClient, "$share/xinan-collectors/+/events")).containsExactly(1);
            int[] codes = subscribe(deviceA, "#", "$share/xinan-collectors/+/events", "+/events", "$SYS/#");
            for (int code : codes) {
                assertThat(code).as("SUBACK reason code").isEqualTo(NOT_AUTHORISED);
            }
            int n = 10;
            for (int i = 0; i < n; i++) {
                publish(deviceB, b.user() + "/events", "e" + i);
            }
            // a member of the shared group would take about half of them: the collector gets every one
            for (int i = 0; i < n; i++) {
                assertThat(collectorInbox.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(b.user() + "/events e" + i);
            }
            assertThat(inboxA).isEmpty();
        } finally {
            close(collectorClient, deviceA, deviceB);
        }
    }
}

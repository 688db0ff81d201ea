package cn.xinan.launcher.provision;

import cn.xinan.collector.broker.BrokerAccessFiles;
import cn.xinan.collector.broker.BrokerSettings;
import cn.xinan.collector.broker.EmbeddedBroker;
import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.provisioning.broker.BrokerFiles;
import cn.xinan.testing.ExternalServer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cases of {@code GeneratedMosquittoTest} against the embedded broker of {@code xinan demo} and {@code xinan replay},
 * started with the password file and ACL {@code xinan provision} generates for the district ({@code mosquitto.passwd},
 * {@code mosquitto.acl}): anonymous and wrong passwords refused, device A cannot publish as B nor read what is addressed
 * to B, a device cannot subscribe to {@code #} nor join the collectors' shared group, a retired device is refused.
 * (The embedded broker listens on plain TCP on loopback: TLS is Mosquitto's, tested there.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedFilesOnTheEmbeddedBrokerTest {
    private static final long WAIT_MS = 10_000;

    private EmbeddedBroker broker;
    private DeviceBundle a;
    private DeviceBundle b;
    private DeviceBundle retired;
    private String collectorPassword;

    @BeforeAll
    void provisionAndStart(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("schools.csv"), "school,name,county\ns1,第一小学,东宝区\ns2,第二中学,掇刀区\n");
        Files.writeString(dir.resolve("rooms.csv"), "school,room,tier,name\ns1,s1-r1,合格,辅导室\ns2,s2-r1,示范,辅导室\n");
        District district = District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom());
        district.importCsv(Optional.of(dir.resolve("schools.csv")), Optional.of(dir.resolve("rooms.csv")));
        String url = "tcp://127.0.0.1:1883";
        a = district.addDevice("s1-r1", Optional.empty(), url);
        b = district.addDevice("s2-r1", Optional.empty(), url);
        retired = district.addDevice("s2-r1", Optional.empty(), url);
        collectorPassword = district.collectorAccount("collector-1");
        // retired after it had an account: the regenerated files must drop it
        district.retireDevice(retired.deviceId(), Instant.now());
        broker = EmbeddedBroker.start(new BrokerSettings("127.0.0.1", ExternalServer.freePort(), dir.resolve("broker-data"))
                .withAccess(new BrokerAccessFiles(district.brokerDir().resolve(BrokerFiles.PASSWORD_FILE),
                        district.brokerDir().resolve(BrokerFiles.ACL_FILE))));
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private MqttClient connect(String user, String password, BlockingQueue<String> inbox) throws MqttException {
        MqttClient c = new MqttClient(broker.url(), user == null ? "anon-" + UUID.randomUUID() : user, new MemoryPersistence());
        c.setCallback(new Inbox(inbox));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        c.connect(o);
        return c;
    }

    private static void publish(MqttClient c, String topic, String text) throws MqttException {
        MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        c.publish(topic, m);
    }

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
        MqttClient collector = connect("collector-1", collectorPassword, collectorInbox);
        MqttClient device = connect(a.deviceId(), a.password(), new LinkedBlockingQueue<>());
        try {
            assertThat(subscribe(collector, "$share/xinan-collectors/+/events")).containsExactly(1);
            publish(device, a.deviceId() + "/events", "hello");
            assertThat(collectorInbox.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(a.deviceId() + "/events hello");
        } finally {
            close(collector, device);
        }
    }

    @Test
    void anonymousAndWrongPasswordsAreRefused() {
        assertThatThrownBy(() -> connect(null, null, new LinkedBlockingQueue<>())).isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect(a.deviceId(), b.password(), new LinkedBlockingQueue<>()))
                .isInstanceOf(MqttException.class);
        assertThatThrownBy(() -> connect("collector-1", a.password(), new LinkedBlockingQueue<>()))
                .isInstanceOf(MqttException.class);
    }

    @Test
    void aRetiredDeviceIsRefused() {
        assertThatThrownBy(() -> connect(retired.deviceId(), retired.password(), new LinkedBlockingQueue<>()))
                .isInstanceOf(MqttException.class);
    }

    @Test
    void deviceACannotPublishAsB() throws Exception {
        BlockingQueue<String> collectorInbox = new LinkedBlockingQueue<>();
        MqttClient collector = connect("collector-1", collectorPassword, collectorInbox);
        MqttClient deviceA = connect(a.deviceId(), a.password(), new LinkedBlockingQueue<>());
        try {
            subscribe(collector, "+/events", "+/status");
            try {
                publish(deviceA, b.deviceId() + "/events", "forged");
                publish(deviceA, b.deviceId() + "/status", "forged");
            } catch (MqttException refused) {
                // the broker may answer the PUBACK with "not authorised" or close the connection: refused either way
            }
            if (!deviceA.isConnected()) {
                close(deviceA);
                deviceA = connect(a.deviceId(), a.password(), new LinkedBlockingQueue<>());
            }
            publish(deviceA, a.deviceId() + "/events", "own");
            // one publisher's order is kept: once A's own message is here, a forged one would be too
            assertThat(collectorInbox.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(a.deviceId() + "/events own");
            assertThat(collectorInbox).isEmpty();
        } finally {
            close(collector, deviceA);
        }
    }

    @Test
    void deviceACannotReadWhatIsAddressedToB() throws Exception {
        BlockingQueue<String> inboxA = new LinkedBlockingQueue<>();
        MqttClient collector = connect("collector-1", collectorPassword, new LinkedBlockingQueue<>());
        MqttClient deviceA = connect(a.deviceId(), a.password(), inboxA);
        try {
            int[] codes = subscribe(deviceA, b.deviceId() + "/ack", b.deviceId() + "/resend", a.deviceId() + "/ack");
            assertThat(codes[0]).isEqualTo(0x87);
            assertThat(codes[1]).isEqualTo(0x87);
            assertThat(codes[2]).isEqualTo(1);
            publish(collector, b.deviceId() + "/ack", "7");
            publish(collector, b.deviceId() + "/resend", "1-5");
            publish(collector, a.deviceId() + "/ack", "3");
            assertThat(inboxA.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(a.deviceId() + "/ack 3");
            assertThat(inboxA).isEmpty();
        } finally {
            close(collector, deviceA);
        }
    }

    @Test
    void aDeviceCannotReadEverythingNorJoinTheCollectorsGroup() throws Exception {
        BlockingQueue<String> collectorInbox = new LinkedBlockingQueue<>();
        BlockingQueue<String> inboxA = new LinkedBlockingQueue<>();
        MqttClient collector = connect("collector-1", collectorPassword, collectorInbox);
        MqttClient deviceA = connect(a.deviceId(), a.password(), inboxA);
        MqttClient deviceB = connect(b.deviceId(), b.password(), new LinkedBlockingQueue<>());
        try {
            assertThat(subscribe(collector, "$share/xinan-collectors/+/events")).containsExactly(1);
            int[] codes = subscribe(deviceA, "#", "$share/xinan-collectors/+/events", "+/events", "$SYS/#");
            for (int code : codes) {
                assertThat(code).as("SUBACK reason code").isEqualTo(0x87);
            }
            int n = 10;
            for (int i = 0; i < n; i++) {
                publish(deviceB, b.deviceId() + "/events", "e" + i);
            }
            // a member of the shared group would take about half of them: the collector gets every one
            for (int i = 0; i < n; i++) {
                assertThat(collectorInbox.poll(WAIT_MS, TimeUnit.MILLISECONDS)).isEqualTo(b.deviceId() + "/events e" + i);
            }
            assertThat(inboxA).isEmpty();
        } finally {
            close(collector, deviceA, deviceB);
        }
    }

    /** Collects "topic payload" lines. */
    private record Inbox(BlockingQueue<String> messages) implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            messages.add(topic + " " + new String(message.getPayload(), StandardCharsets.UTF_8));
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}

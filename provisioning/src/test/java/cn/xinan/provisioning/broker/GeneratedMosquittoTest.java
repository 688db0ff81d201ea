package cn.xinan.provisioning.broker;

import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.testing.MosquittoServer;
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

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker files `xinan provision` generates, applied to a real Mosquitto 2 over TLS with the generated CA: who
 * may connect, publish and read what (docs/provisioning.md, "Broker files").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedMosquittoTest {
    private static final long WAIT_MS = 10_000;

    private Path dir;

    private District district;
    private MosquittoServer broker;
    private SSLSocketFactory trustingTheCa;
    private DeviceBundle a;
    private DeviceBundle b;
    private DeviceBundle retired;
    private String collectorPassword;

    @BeforeAll
    void provisionAndStart(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Files.writeString(dir.resolve("schools.csv"), "school,name,county\ns1,第一小学,东宝区\ns2,第二中学,掇刀区\n");
        Files.writeString(dir.resolve("rooms.csv"), "school,room,tier,name\ns1,s1-r1,合格,辅导室\ns2,s2-r1,示范,辅导室\n");
        Path districtDir = dir.resolve("district");
        district = District.open(districtDir, Clock.systemUTC(), new SecureRandom());
        district.importCsv(Optional.of(dir.resolve("schools.csv")), Optional.of(dir.resolve("rooms.csv")));
        district.writeBrokerFiles(new BrokerFiles.Listener(district.brokerDir(), 8883, "127.0.0.1"),
                List.of("127.0.0.1", "localhost"));
        String url = "ssl://127.0.0.1:8883";
        a = district.addDevice("s1-r1", Optional.empty(), url);
        b = district.addDevice("s2-r1", Optional.empty(), url);
        retired = district.addDevice("s2-r1", Optional.empty(), url);
        district.retireDevice(retired.deviceId(), Instant.now());
        collectorPassword = district.collectorAccount("collector-1");
        Path brokerDir = district.brokerDir();
        // Started as root (a CI container), Mosquitto would switch to the mosquitto user, which cannot read the test's
        // private temp folder; installed, the files are root:mosquitto 640 (docs/provisioning.md).
        String asUser = System.getProperty("user.name").equals("root") ? "user root\n" : "";
        broker = MosquittoServer.startWithConfig(port -> asUser + BrokerFiles.listenerConfig(
                new BrokerFiles.Listener(brokerDir, port, "127.0.0.1")));

        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TestCertificates.trustStore(a.dir().resolve(TestCertificates.CA_CERT)));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), new SecureRandom());
        trustingTheCa = tls.getSocketFactory();
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    private String url() {
        return "ssl://127.0.0.1:" + broker.port();
    }

    /** A connected client; messages it receives go to {@code inbox}. */
    private MqttClient connect(String user, String password, BlockingQueue<String> inbox) throws MqttException {
        return connect(user, password, inbox, trustingTheCa, url());
    }

    private static MqttClient connect(String user, String password, BlockingQueue<String> inbox, SSLSocketFactory tls,
                                      String url) throws MqttException {
        MqttClient c = new MqttClient(url, "test-" + UUID.randomUUID(), new MemoryPersistence());
        c.setCallback(new Inbox(inbox));
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setAutomaticReconnect(false);
        o.setConnectionTimeout(10);
        o.setHttpsHostnameVerificationEnabled(true);
        if (user != null) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        if (tls != null) {
            o.setSocketFactory(tls);
        }
        c.connect(o);
        return c;
    }

    private static void publish(MqttClient c, String topic, String text) throws MqttException {
        MqttMessage m = new MqttMessage(text.getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        c.publish(topic, m);
    }

    /** Subscribes; returns the SUBACK reason codes (0x87 = not authorised). */
    private static int[] subscribe(MqttClient c, String... filters) throws MqttException {
        MqttSubscription[] subs = new MqttSubscription[filters.length];
        for (int i = 0; i < filters.length; i++) {
            subs[i] = new MqttSubscription(filters[i], 1);
        }
        IMqttToken token = c.subscribe(subs);
        return token.getReasonCodes();
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
    void aDeviceAndTheCollectorConnectOverTlsWithTheGeneratedCa() throws Exception {
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
    void aClientThatDoesNotTrustTheCaCannotConnect() {
        assertThatThrownBy(() -> connect(a.deviceId(), a.password(), new LinkedBlockingQueue<>(),
                (SSLSocketFactory) SSLSocketFactory.getDefault(), url()))
                .isInstanceOf(MqttException.class);
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
    void aRetiredDeviceIsRefused() throws Exception {
        assertThat(Files.readString(district.brokerDir().resolve(BrokerFiles.PASSWORD_FILE)))
                .doesNotContain(retired.deviceId());
        assertThat(Files.readString(district.brokerDir().resolve(DynamicSecurityFile.FILE)))
                .doesNotContain(retired.deviceId());
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
                // Mosquitto may answer the PUBACK with "not authorised": refused either way
            }
            publish(deviceA, a.deviceId() + "/events", "own");
            // the broker keeps one publisher's order: once A's own message is here, a forged one would be too
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

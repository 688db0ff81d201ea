package cn.xinan.collector.broker;

import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfigFile;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.broker.TestCertificates;
import cn.xinan.rules.Tier;
import cn.xinan.testing.ExternalServer;
import cn.xinan.wire.SignedEvent;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded broker's TLS listener with the CA and server certificate {@code xinan provision broker} generates
 * ({@link TestCertificates}): the real collector, configured through its YAML file ({@code broker.tls-*},
 * {@code mqtt.ca-file}), subscribes over TLS; a device trusting the CA publishes signed events over TLS and the
 * collector stores them; a client that does not trust the CA is refused.
 */
class EmbeddedBrokerTlsTest {
    @TempDir
    Path dir;

    @Test
    void aDeviceTrustingTheGeneratedCaPublishesOverTlsAndTheCollectorStoresItsEvents() throws Exception {
        Path pki = dir.resolve("pki");
        TestCertificates.write(pki, List.of("127.0.0.1", "localhost"), Clock.systemUTC(), new SecureRandom());
        TestDevice device = new TestDevice("dev-1", "r1");
        new Registry(List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "心理辅导室")),
                List.of(device.record())).save(dir.resolve("registry"));
        int tlsPort = ExternalServer.freePort();
        Files.writeString(dir.resolve("collector.yaml"), """
                registry:
                  dir: registry
                http:
                  host: 127.0.0.1
                  port: 0
                broker:
                  enabled: true
                  port: %d
                  data-dir: broker
                  tls-port: %d
                  tls-cert: pki/server.crt
                  tls-key: pki/server.key
                mqtt:
                  url: ssl://127.0.0.1:%d
                  ca-file: pki/ca.crt
                """.formatted(ExternalServer.freePort(), tlsPort, tlsPort));
        List<SignedEvent> events = WorkedExample.events(device).subList(0, 20);

        try (Collector collector = new Collector(CollectorConfigFile.read(dir.resolve("collector.yaml"))).start()) {
            assertThat(collector.awaitSubscribed(Duration.ofSeconds(30))).as("the collector subscribed over TLS").isTrue();
            MqttClient client = connect("ssl://127.0.0.1:" + tlsPort, trusting(pki.resolve(TestCertificates.CA_CERT)));
            try {
                MqttMessage message = new MqttMessage(device.payload(events));
                message.setQos(1);
                client.publish("dev-1/events", message);
            } finally {
                client.disconnect();
                client.close();
            }

            assertThat(collector.awaitStoredEvents(events.size(), Duration.ofSeconds(30))).isTrue();
            assertThat(collector.ingestStats().quarantinedTotal()).isZero();
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCaIsRefusedTls12And13AreOfferedAndTheKeyStoreIsTheOwnersOnly() throws Exception {
        Path pki = dir.resolve("pki");
        TestCertificates.write(pki, List.of("127.0.0.1"), Clock.systemUTC(), new SecureRandom());
        BrokerTls tls = BrokerTls.read(ExternalServer.freePort(), pki.resolve(TestCertificates.SERVER_CERT),
                pki.resolve(TestCertificates.SERVER_KEY));
        try (EmbeddedBroker broker = EmbeddedBroker.start(new BrokerSettings("127.0.0.1", ExternalServer.freePort(),
                dir.resolve("broker")).withTls(tls))) {
            String url = broker.tlsUrl().orElseThrow();

            assertThatThrownBy(() -> connect(url, (SSLSocketFactory) SSLSocketFactory.getDefault()))
                    .isInstanceOf(MqttException.class);
            for (String protocol : List.of("TLSv1.3", "TLSv1.2")) {
                MqttClient trusting = connect(url, trusting(pki.resolve(TestCertificates.CA_CERT), protocol));
                assertThat(trusting.isConnected()).as(protocol).isTrue();
                trusting.disconnect();
                trusting.close();
            }

            Path conf = dir.resolve("broker").resolve("conf");
            for (Path secret : List.of(conf.resolve(EmbeddedBroker.KEY_STORE), conf.resolve("config.xml"))) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).as(secret.toString())
                        .isEqualTo("rw-------");
            }
        }
    }

    private static SSLSocketFactory trusting(Path caCert) throws Exception {
        return trusting(caCert, "TLS");
    }

    /** A client trusting {@code caCert}, speaking {@code protocol} at most ("TLSv1.2": not 1.3). */
    private static SSLSocketFactory trusting(Path caCert, String protocol) throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TestCertificates.trustStore(caCert));
        SSLContext context = SSLContext.getInstance(protocol);
        context.init(null, tmf.getTrustManagers(), new SecureRandom());
        return context.getSocketFactory();
    }

    private static MqttClient connect(String url, SSLSocketFactory sockets) throws MqttException {
        MqttClient client = new MqttClient(url, "dev-1", new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setCleanStart(true);
        options.setAutomaticReconnect(false);
        options.setConnectionTimeout(10);
        options.setHttpsHostnameVerificationEnabled(true);
        options.setSocketFactory(sockets);
        client.connect(options);
        return client;
    }
}

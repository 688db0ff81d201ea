package cn.xinan.provisioning.broker;

import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.testing.mqtt.ProvisionedBrokerAccessContract;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The broker files `xinan provision` generates, applied to a real Mosquitto 2 over TLS with the generated CA: who
 * may connect, publish and read what (docs/provisioning.md, "Broker files"). The access cases are the
 * {@link ProvisionedBrokerAccessContract}'s, which the embedded broker holds too; TLS and the files' contents are
 * Mosquitto's, tested here.
 */
class GeneratedMosquittoTest extends ProvisionedBrokerAccessContract {
    private District district;
    private MosquittoServer broker;
    private SSLSocketFactory trustingTheCa;
    private DeviceBundle a;
    private DeviceBundle retired;

    @BeforeAll
    void provisionAndStart(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("schools.csv"), "school,name,county\ns1,第一小学,东宝区\ns2,第二中学,掇刀区\n");
        Files.writeString(dir.resolve("rooms.csv"), "school,room,tier,name\ns1,s1-r1,合格,辅导室\ns2,s2-r1,示范,辅导室\n");
        district = District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom());
        district.importCsv(Optional.of(dir.resolve("schools.csv")), Optional.of(dir.resolve("rooms.csv")));
        district.writeBrokerFiles(new BrokerFiles.Listener(district.brokerDir(), 8883, "127.0.0.1"),
                List.of("127.0.0.1", "localhost"));
        String url = "ssl://127.0.0.1:8883";
        a = district.addDevice("s1-r1", Optional.empty(), url);
        DeviceBundle b = district.addDevice("s2-r1", Optional.empty(), url);
        retired = district.addDevice("s2-r1", Optional.empty(), url);
        district.retireDevice(retired.deviceId(), Instant.now());
        String collectorPassword = district.collectorAccount("collector-1");
        Path brokerDir = district.brokerDir();
        broker = MosquittoServer.startWithConfig(port -> BrokerFiles.listenerConfig(
                new BrokerFiles.Listener(brokerDir, port, "127.0.0.1")));

        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TestCertificates.trustStore(a.dir().resolve(TestCertificates.CA_CERT)));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), new SecureRandom());
        trustingTheCa = tls.getSocketFactory();
        accounts(new Account(a.deviceId(), a.password()), new Account(b.deviceId(), b.password()),
                new Account(retired.deviceId(), retired.password()), new Account("collector-1", collectorPassword));
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected String url() {
        return "ssl://127.0.0.1:" + broker.port();
    }

    /** Over TLS, trusting the generated CA, checking the host name against the broker's certificate. */
    @Override
    protected void configure(MqttConnectionOptions options) {
        options.setHttpsHostnameVerificationEnabled(true);
        options.setSocketFactory(trustingTheCa);
    }

    @Test
    void aClientThatDoesNotTrustTheCaCannotConnect() {
        assertThatThrownBy(() -> connect(a.deviceId(), a.password(), new LinkedBlockingQueue<>(), o -> {
            o.setHttpsHostnameVerificationEnabled(true);
            o.setSocketFactory(SSLSocketFactory.getDefault());
        })).isInstanceOf(MqttException.class);
    }

    @Test
    void theRetiredDeviceIsInNoneOfTheGeneratedFiles() throws Exception {
        assertThat(Files.readString(district.brokerDir().resolve(BrokerFiles.PASSWORD_FILE)))
                .doesNotContain(retired.deviceId());
        assertThat(Files.readString(district.brokerDir().resolve(DynamicSecurityFile.FILE)))
                .doesNotContain(retired.deviceId());
    }
}

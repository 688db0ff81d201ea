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

import javax.net.ssl.SSLSocketFactory;
import java.nio.file.Files;
import java.nio.file.Path;
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
        ProvisionedDistrict d = ProvisionedDistrict.provision(dir);
        district = d.district();
        a = d.a();
        retired = d.retired();
        trustingTheCa = d.trustingTheCa();
        Path brokerDir = d.brokerDir();
        broker = MosquittoServer.startWithConfig(port -> BrokerFiles.listenerConfig(
                new BrokerFiles.Listener(brokerDir, port, "127.0.0.1")));
        accounts(d.accountA(), d.accountB(), d.retiredAccount(), d.collector());
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

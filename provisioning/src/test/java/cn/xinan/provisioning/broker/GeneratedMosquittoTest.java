package cn.xinan.provisioning.broker;

import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.testing.mqtt.ProvisionedBrokerAccessContract;
import cn.xinan.testing.mqtt.ProvisionedTlsBrokerAccessContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The broker files `xinan provision` generates, applied to a real Mosquitto 2 over TLS with the generated CA: who
 * may connect, publish and read what (docs/provisioning.md, "Broker files"). The access cases are the
 * {@link ProvisionedBrokerAccessContract}'s over TLS ({@link ProvisionedTlsBrokerAccessContract}), which the embedded
 * broker holds too; the files' contents are tested here.
 */
class GeneratedMosquittoTest extends ProvisionedTlsBrokerAccessContract {
    private District district;
    private MosquittoServer broker;
    private DeviceBundle retired;

    @BeforeAll
    void provisionAndStart(@TempDir Path dir) throws Exception {
        ProvisionedDistrict d = ProvisionedDistrict.provision(dir);
        district = d.district();
        retired = d.retired();
        Path brokerDir = d.brokerDir();
        broker = MosquittoServer.startWithConfig(port -> BrokerFiles.listenerConfig(
                new BrokerFiles.Listener(brokerDir, port, "127.0.0.1")));
        accounts(d.accountA(), d.accountB(), d.retiredAccount(), d.collector());
        trusting(d.trustingTheCa());
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

    @Test
    void theRetiredDeviceIsInNoneOfTheGeneratedFiles() throws Exception {
        assertThat(Files.readString(district.brokerDir().resolve(BrokerFiles.PASSWORD_FILE)))
                .doesNotContain(retired.deviceId());
        assertThat(Files.readString(district.brokerDir().resolve(DynamicSecurityFile.FILE)))
                .doesNotContain(retired.deviceId());
    }
}

package cn.xinan.launcher.provision;

import cn.xinan.collector.broker.BrokerAccessFiles;
import cn.xinan.collector.broker.BrokerSettings;
import cn.xinan.collector.broker.BrokerTls;
import cn.xinan.collector.broker.EmbeddedBroker;
import cn.xinan.provisioning.broker.BrokerFiles;
import cn.xinan.provisioning.broker.ProvisionedDistrict;
import cn.xinan.provisioning.broker.TestCertificates;
import cn.xinan.testing.ExternalServer;
import cn.xinan.testing.mqtt.ProvisionedBrokerAccessContract;
import cn.xinan.testing.mqtt.ProvisionedTlsBrokerAccessContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * The {@link ProvisionedBrokerAccessContract} (held by a real Mosquitto in {@code GeneratedMosquittoTest}) against the
 * embedded broker of {@code xinan demo} and {@code xinan replay}, started with the password file and ACL
 * {@code xinan provision} generates for the district ({@code mosquitto.passwd}, {@code mosquitto.acl}) and its TLS
 * listener with the generated server certificate and key ({@code server.crt}, {@code server.key}). The contract runs
 * over TLS ({@link ProvisionedTlsBrokerAccessContract}), the clients trusting the generated {@code ca.crt} and checking
 * the host name, as on Mosquitto; and again
 * ({@link OnThePlainListener}) on the same broker's plain listener: both listeners enforce the same files.
 */
class GeneratedFilesOnTheEmbeddedBrokerTest extends ProvisionedTlsBrokerAccessContract {
    private EmbeddedBroker broker;
    private Account deviceA;
    private Account deviceB;
    private Account retiredDevice;
    private Account collectorAccount;

    @BeforeAll
    void provisionAndStart(@TempDir Path dir) throws Exception {
        ProvisionedDistrict district = ProvisionedDistrict.provision(dir);
        Path brokerDir = district.brokerDir();
        broker = EmbeddedBroker.start(new BrokerSettings("127.0.0.1", ExternalServer.freePort(), dir.resolve("broker-data"))
                .withAccess(new BrokerAccessFiles(brokerDir.resolve(BrokerFiles.PASSWORD_FILE),
                        brokerDir.resolve(BrokerFiles.ACL_FILE)))
                .withTls(BrokerTls.read(ExternalServer.freePort(), brokerDir.resolve(TestCertificates.SERVER_CERT),
                        brokerDir.resolve(TestCertificates.SERVER_KEY))));
        deviceA = district.accountA();
        deviceB = district.accountB();
        retiredDevice = district.retiredAccount();
        collectorAccount = district.collector();
        accounts(deviceA, deviceB, retiredDevice, collectorAccount);
        trusting(district.trustingTheCa());
    }

    @AfterAll
    void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Override
    protected String url() {
        return broker.tlsUrl().orElseThrow();
    }

    /** The same cases on the same broker's plain listener (loopback, for the collector in the same process). */
    @Nested
    class OnThePlainListener extends ProvisionedBrokerAccessContract {
        @BeforeAll
        void sameAccounts() {
            accounts(deviceA, deviceB, retiredDevice, collectorAccount);
        }

        @Override
        protected String url() {
            return broker.url();
        }
    }
}

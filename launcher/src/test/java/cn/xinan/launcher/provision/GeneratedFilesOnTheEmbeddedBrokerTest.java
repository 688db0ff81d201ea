package cn.xinan.launcher.provision;

import cn.xinan.collector.broker.BrokerAccessFiles;
import cn.xinan.collector.broker.BrokerSettings;
import cn.xinan.collector.broker.EmbeddedBroker;
import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.provisioning.broker.BrokerFiles;
import cn.xinan.testing.ExternalServer;
import cn.xinan.testing.mqtt.ProvisionedBrokerAccessContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * The {@link ProvisionedBrokerAccessContract} (held by a real Mosquitto in {@code GeneratedMosquittoTest}) against the
 * embedded broker of {@code xinan demo} and {@code xinan replay}, started with the password file and ACL
 * {@code xinan provision} generates for the district ({@code mosquitto.passwd}, {@code mosquitto.acl}).
 * (The embedded broker listens on plain TCP on loopback: TLS is Mosquitto's, tested there.)
 */
class GeneratedFilesOnTheEmbeddedBrokerTest extends ProvisionedBrokerAccessContract {
    private EmbeddedBroker broker;

    @BeforeAll
    void provisionAndStart(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("schools.csv"), "school,name,county\ns1,第一小学,东宝区\ns2,第二中学,掇刀区\n");
        Files.writeString(dir.resolve("rooms.csv"), "school,room,tier,name\ns1,s1-r1,合格,辅导室\ns2,s2-r1,示范,辅导室\n");
        District district = District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom());
        district.importCsv(Optional.of(dir.resolve("schools.csv")), Optional.of(dir.resolve("rooms.csv")));
        String url = "tcp://127.0.0.1:1883";
        DeviceBundle a = district.addDevice("s1-r1", Optional.empty(), url);
        DeviceBundle b = district.addDevice("s2-r1", Optional.empty(), url);
        DeviceBundle retired = district.addDevice("s2-r1", Optional.empty(), url);
        String collectorPassword = district.collectorAccount("collector-1");
        // retired after it had an account: the regenerated files must drop it
        district.retireDevice(retired.deviceId(), Instant.now());
        broker = EmbeddedBroker.start(new BrokerSettings("127.0.0.1", ExternalServer.freePort(), dir.resolve("broker-data"))
                .withAccess(new BrokerAccessFiles(district.brokerDir().resolve(BrokerFiles.PASSWORD_FILE),
                        district.brokerDir().resolve(BrokerFiles.ACL_FILE))));
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
        return broker.url();
    }
}

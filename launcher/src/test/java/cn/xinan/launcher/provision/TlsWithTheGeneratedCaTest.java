package cn.xinan.launcher.provision;

import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfigFile;
import cn.xinan.collector.ingest.AckTracker;
import cn.xinan.launcher.Xinan;
import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.provisioning.broker.BrokerFiles;
import cn.xinan.provisioning.broker.TestCertificates;
import cn.xinan.testing.MosquittoServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * From the district folder to signed events over TLS: a real Mosquitto with the generated {@code xinan.conf},
 * {@code dynamic-security.json}, CA and server certificate; the real collector with its generated account, trusting
 * the CA through {@code mqtt.ca-file}; and the real device firmware ({@code xinan device --simulate}) in its own JVM
 * with the bundle's {@code device.properties}, trusting the bundle's {@code ca.crt} through a Java trust store as
 * docs/provisioning.md tells the Pi to. The collector verifies the device's events with the registry's key, stores
 * them and acknowledges them.
 */
class TlsWithTheGeneratedCaTest {
    @TempDir
    Path dir;

    @Test
    void theDeviceFirmwareAndTheCollectorConnectOverTlsWithTheGeneratedCa() throws Exception {
        Files.writeString(dir.resolve("schools.csv"), "school,name,county\ns1,第一小学,东宝区\n");
        Files.writeString(dir.resolve("rooms.csv"), "school,room,tier,name\ns1,s1-r1,合格,心理辅导室\n");
        District district = District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom());
        district.importCsv(Optional.of(dir.resolve("schools.csv")), Optional.of(dir.resolve("rooms.csv")));
        district.writeBrokerFiles(new BrokerFiles.Listener(district.brokerDir(), 8883, "127.0.0.1"),
                List.of("127.0.0.1", "localhost"));
        DeviceBundle bundle = district.addDevice("s1-r1", Optional.empty(), "ssl://127.0.0.1:8883");
        String collectorPassword = district.collectorAccount("collector-1");
        Path brokerDir = district.brokerDir();
        Process device = null;
        Path deviceLog = dir.resolve("device.log");
        try (MosquittoServer broker = MosquittoServer.startWithConfig(port -> BrokerFiles.listenerConfig(
                new BrokerFiles.Listener(brokerDir, port, "127.0.0.1")))) {
            String url = "ssl://127.0.0.1:" + broker.port();
            Files.writeString(dir.resolve("collector.yaml"), """
                    registry:
                      dir: %s
                    http:
                      host: 127.0.0.1
                      port: 0
                    mqtt:
                      url: %s
                      username: collector-1
                      password: %s
                      ca-file: %s
                    store:
                      type: sqlite
                      sqlite:
                        path: %s
                    """.formatted(district.registryDir(), url, collectorPassword, brokerDir.resolve("ca.crt"),
                    dir.resolve("events.db")));
            try (Collector collector = new Collector(CollectorConfigFile.read(dir.resolve("collector.yaml"))).start()) {
                assertThat(collector.awaitSubscribed(Duration.ofSeconds(30))).as("collector subscribed over TLS").isTrue();

                // on the Pi: the bundle's device.properties with the outbox where this machine may write (§3 of
                // docs/device-install.md) and the port this test's broker took; the CA as a Java trust store
                Path installed = dir.resolve("device.properties");
                String properties = Files.readString(bundle.dir().resolve(DeviceBundle.PROPERTIES))
                        .replace("outbox.path=" + DeviceBundle.OUTBOX_PATH, "outbox.path=" + dir.resolve("outbox.db"))
                        .replace("mqtt.url=ssl://127.0.0.1:8883", "mqtt.url=" + url);
                assertThat(properties).contains("mqtt.url=" + url, "outbox.path=" + dir.resolve("outbox.db"));
                Files.writeString(installed, properties);
                Path trustStore = dir.resolve("xinan-ca.p12");
                try (OutputStream out = Files.newOutputStream(trustStore)) {
                    TestCertificates.trustStore(bundle.dir().resolve(TestCertificates.CA_CERT)).store(out, "xinan-ca".toCharArray());
                }
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx128m", "-XX:TieredStopAtLevel=1", "--enable-native-access=ALL-UNNAMED",
                        "--sun-misc-unsafe-memory-access=allow",
                        "-Djavax.net.ssl.trustStore=" + trustStore, "-Djavax.net.ssl.trustStorePassword=xinan-ca",
                        "-Djavax.net.ssl.trustStoreType=PKCS12",
                        "-cp", System.getProperty("java.class.path"), Xinan.class.getName(),
                        "device", "--config", installed.toString(), "--simulate", "--no-kiosk"));
                device = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.to(deviceLog.toFile())).start();

                boolean stored = collector.awaitStoredEvents(1, Duration.ofSeconds(60));
                String log = Files.exists(deviceLog) ? Files.readString(deviceLog, StandardCharsets.UTF_8) : "";
                assertThat(stored).as("an event of the device stored; device log:\n" + log).isTrue();
                assertThat(collector.ingestStats().quarantinedTotal()).as("nothing quarantined").isZero();
                assertThat(collector.acknowledgements()).extracting(AckTracker.DeviceProgress::deviceId)
                        .contains(bundle.deviceId());
                assertThat(collector.acknowledgements()).filteredOn(p -> p.deviceId().equals(bundle.deviceId()))
                        .singleElement().satisfies(p -> assertThat(p.through()).isPositive());
            }
        } finally {
            if (device != null) {
                device.destroy();
                if (!device.waitFor(30, TimeUnit.SECONDS)) {
                    device.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}

package cn.xinan.provisioning.broker;

import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.testing.mqtt.ProvisionedBrokerAccessContract.Account;

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

/**
 * The district the broker access tests provision ({@code ProvisionedBrokerAccessContract}: on Mosquitto in
 * {@code GeneratedMosquittoTest}, on the embedded broker in the launcher's {@code GeneratedFilesOnTheEmbeddedBrokerTest}):
 * two schools with a room each, device A in s1-r1 and B in s2-r1, a third device retired after it had an account, the
 * collector account {@code collector-1}, and the broker files for a TLS listener on 127.0.0.1:8883 (certificate for
 * 127.0.0.1 and localhost).
 *
 * @param district       the provisioned district
 * @param a              device A
 * @param b              device B
 * @param retired        the retired device
 * @param collector      the collector's account
 * @param trustingTheCa  TLS client sockets that trust the district's CA ({@code ca.crt} of a device bundle)
 */
public record ProvisionedDistrict(District district, DeviceBundle a, DeviceBundle b, DeviceBundle retired,
                                  Account collector, SSLSocketFactory trustingTheCa) {

    /** Provisions the district under {@code dir}. */
    public static ProvisionedDistrict provision(Path dir) throws Exception {
        Files.writeString(dir.resolve("schools.csv"), "school,name,county\ns1,第一小学,东宝区\ns2,第二中学,掇刀区\n");
        Files.writeString(dir.resolve("rooms.csv"), "school,room,tier,name\ns1,s1-r1,合格,辅导室\ns2,s2-r1,示范,辅导室\n");
        District district = District.open(dir.resolve("district"), Clock.systemUTC(), new SecureRandom());
        district.importCsv(Optional.of(dir.resolve("schools.csv")), Optional.of(dir.resolve("rooms.csv")));
        district.writeBrokerFiles(new BrokerFiles.Listener(district.brokerDir(), 8883, "127.0.0.1"),
                List.of("127.0.0.1", "localhost"));
        String url = "ssl://127.0.0.1:8883";
        DeviceBundle a = district.addDevice("s1-r1", Optional.empty(), url);
        DeviceBundle b = district.addDevice("s2-r1", Optional.empty(), url);
        DeviceBundle retired = district.addDevice("s2-r1", Optional.empty(), url);
        String collectorPassword = district.collectorAccount("collector-1");
        // retired after it had an account: the regenerated files must drop it
        district.retireDevice(retired.deviceId(), Instant.now());

        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(TestCertificates.trustStore(a.dir().resolve(TestCertificates.CA_CERT)));
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), new SecureRandom());
        return new ProvisionedDistrict(district, a, b, retired, new Account("collector-1", collectorPassword),
                tls.getSocketFactory());
    }

    public Account accountA() {
        return new Account(a.deviceId(), a.password());
    }

    public Account accountB() {
        return new Account(b.deviceId(), b.password());
    }

    public Account retiredAccount() {
        return new Account(retired.deviceId(), retired.password());
    }

    /** The folder of the generated broker files ({@link BrokerFiles}). */
    public Path brokerDir() {
        return district.brokerDir();
    }
}

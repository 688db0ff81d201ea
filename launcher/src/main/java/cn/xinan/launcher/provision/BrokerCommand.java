package cn.xinan.launcher.provision;

import cn.xinan.launcher.UserInputException;
import cn.xinan.provisioning.District;
import cn.xinan.provisioning.broker.BrokerFiles;
import cn.xinan.provisioning.broker.TestCertificates;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xinan provision broker}: Mosquitto's files for the district, with TLS. */
@Command(name = "broker", mixinStandardHelpOptions = true,
        description = "Writes Mosquitto's files into DIR/broker: accounts and rights (dynamic-security.json, "
                + "mosquitto.passwd, mosquitto.acl), the TLS listener (xinan.conf) and, the first time or with "
                + "--new-certificates, a CA and a server certificate for --host.")
final class BrokerCommand implements Callable<Integer> {
    @Mixin
    DistrictOptions district;

    @Option(names = "--host", required = true, split = ",", paramLabel = "NAME",
            description = "the broker's host names or IP addresses as devices and collectors reach it (comma separated); "
                    + "the first one goes into the devices' broker URL")
    List<String> hosts;

    @Option(names = "--tls-port", defaultValue = "8883", description = "TLS listener port (default: ${DEFAULT-VALUE})")
    int tlsPort;

    @Option(names = "--bind", defaultValue = "", paramLabel = "ADDRESS", description = "listen on this address only (default: all)")
    String bind;

    @Option(names = "--install-dir", defaultValue = "/etc/mosquitto/xinan", paramLabel = "DIR",
            description = "where the files will be on the broker's machine (default: ${DEFAULT-VALUE})")
    Path installDir;

    @Option(names = "--plugin", defaultValue = BrokerFiles.DEFAULT_PLUGIN, paramLabel = "FILE",
            description = "Mosquitto's dynamic security plugin on that machine (default: ${DEFAULT-VALUE})")
    String plugin;

    @Option(names = "--new-certificates", description = "make a new CA and server certificate even if they exist "
            + "(every device then needs its bundle's ca.crt again)")
    boolean newCertificates;

    @Override
    public Integer call() {
        if (tlsPort < 1 || tlsPort > 65535) {
            throw new UserInputException("--tls-port must be 1 to 65535, was " + tlsPort);
        }
        District d = district.open();
        boolean haveCertificates = Files.exists(d.brokerDir().resolve(TestCertificates.CA_CERT));
        boolean makeCertificates = newCertificates || !haveCertificates;
        d.writeBrokerFiles(new BrokerFiles.Listener(installDir, tlsPort, bind, plugin), makeCertificates ? hosts : List.of());
        String url = "ssl://" + hosts.get(0).strip() + ":" + tlsPort;
        district.saveSetting(DistrictOptions.BROKER_URL, url);
        System.out.println("Broker files in " + d.brokerDir() + ":");
        System.out.println("  xinan.conf, dynamic-security.json, mosquitto.passwd, mosquitto.acl, ca.crt, server.crt, server.key"
                + (makeCertificates ? " (new CA and server certificate for " + String.join(", ", hosts) + ")" : ""));
        System.out.println("  ca.key stays here: it signs the server certificate, the broker does not need it.");
        System.out.println("Install them as " + installDir + " (docs/provisioning.md). Devices connect to " + url + ".");
        return 0;
    }
}

package cn.xinan.launcher.provision;

import cn.xinan.provisioning.District;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code xinan provision collector-account}: a collector's broker account. */
@Command(name = "collector-account", mixinStandardHelpOptions = true,
        description = "Adds a collector's broker account (or gives it a new password): it may read every device's "
                + "events and status and join the collectors' shared group. One per collector replica.")
final class CollectorAccountCommand implements Callable<Integer> {
    @Mixin
    DistrictOptions district;

    @Option(names = "--name", required = true, description = "the account, also the collector's MQTT client id (collector-1)")
    String name;

    @Override
    public Integer call() {
        District d = district.open();
        d.collectorAccount(name);
        System.out.println("Collector account " + name + ": password in " + d.dir().resolve("secrets")
                .resolve("collector-" + name + ".password") + ".");
        System.out.println("In collector.yaml: mqtt.username and mqtt.client-id " + name
                + ", mqtt.password from that file. Broker files updated: " + d.brokerDir());
        return 0;
    }
}

package cn.xinan.launcher.provision;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code xinan provision …}: a district's set-up from CSV files to the files every server and Pi needs
 * (docs/provisioning.md). Every subcommand works on a district folder ({@code --district DIR}).
 */
@Command(name = "provision", mixinStandardHelpOptions = true,
        description = "Sets up a district: schools and rooms from CSV, devices (keys, broker accounts, bundles for the Pi), "
                + "the broker's files with TLS, and InfluxDB and Grafana. See docs/provisioning.md.",
        subcommands = {ImportCommand.class, DeviceCommands.class, BrokerCommand.class, CollectorAccountCommand.class,
                InfluxDbCommand.class, ShowCommand.class, PeopleCommand.class})
public final class ProvisionCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

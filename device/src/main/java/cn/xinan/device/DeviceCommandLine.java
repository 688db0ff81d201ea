package cn.xinan.device;

import cn.xinan.device.gpio.Gpio;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The firmware's command line, parsed by picocli like every {@code xinan} subcommand: {@code --help} and
 * {@code --version} exit 0, a usage error prints the message and the usage and exits 2. The installed
 * {@code xinan-device} runs it as is; {@code xinan device} (the launcher) is a subclass under another name, so
 * both take the same options. Exit codes: {@link DeviceMain}.
 */
@Command(name = "xinan-device", mixinStandardHelpOptions = true, version = "xinan-device " + RoomDevice.FIRMWARE_VERSION,
        description = {"Runs the room device firmware (docs/device.md): on a Raspberry Pi's GPIO, or with --simulate "
                + "on any computer, until stopped. The kiosk screen is served on 127.0.0.1 (docs/kiosk.md).",
                "Exit codes: 0 stopped, 2 bad command line or configuration, 3 no GPIO hardware, "
                        + "4 outbox cannot be opened, 5 kiosk cannot listen."})
public class DeviceCommandLine implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "the device configuration (a properties file, docs/device.md)")
    Path config;

    @Option(names = "--simulate", description = "mock GPIO and commands on standard input (type help); "
            + "keeps running when standard input ends")
    boolean simulate;

    @Option(names = "--no-kiosk", description = "do not serve the kiosk screen")
    boolean noKiosk;

    @Option(names = "--hash-pin", description = "read a staff PIN on standard input and print its hash for staff.pins")
    boolean hashPin;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final InputStream in;
    private final PrintStream out;
    private final PrintStream err;
    private final Path gpioDeviceDir;

    /** Standard input and output, the Pi's GPIO controllers. */
    public DeviceCommandLine() {
        this(System.in, System.out, System.err, Gpio.DEFAULT_DEVICE_DIR);
    }

    DeviceCommandLine(InputStream in, PrintStream out, PrintStream err, Path gpioDeviceDir) {
        this.in = Objects.requireNonNull(in);
        this.out = Objects.requireNonNull(out);
        this.err = Objects.requireNonNull(err);
        this.gpioDeviceDir = Objects.requireNonNull(gpioDeviceDir);
    }

    @Override
    public Integer call() {
        if (hashPin) {
            if (config != null || simulate || noKiosk) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--hash-pin takes no other option");
            }
            return DeviceMain.hashPin(in, out, err);
        }
        Path effective = config != null ? config : configWhenNoneGiven(simulate, out);
        if (effective == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
        }
        return DeviceMain.start(effective, simulate, !noKiosk, in, out, err, gpioDeviceDir);
    }

    /**
     * The configuration to run when no {@code --config} is given, or null (the default) to refuse: the launcher's
     * {@code xinan device --simulate} runs the demo district's sample room.
     */
    protected Path configWhenNoneGiven(boolean simulated, PrintStream out) {
        return null;
    }
}

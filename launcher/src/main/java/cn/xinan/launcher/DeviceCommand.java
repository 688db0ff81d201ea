package cn.xinan.launcher;

import cn.xinan.device.DeviceMain;
import cn.xinan.device.gpio.Gpio;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xinan device --config FILE [--simulate] [--no-kiosk]} or {@code xinan device --hash-pin}: the
 * room firmware (docs/device.md). The options are checked here, like every other subcommand's, and then
 * handed to the firmware's own entry point, so {@code xinan device} and the installed {@code xinan-device}
 * run the same code. The firmware's own failure codes (3 no GPIO, 4 outbox, 5 kiosk port) become 1 here:
 * every {@code xinan} subcommand exits 0, 1 (it failed: the message says why) or 2 (fix the command line
 * or an input file).
 */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = {"Runs the room device firmware with its kiosk until stopped: on a Raspberry Pi's GPIO, or "
                + "with --simulate on any PC (commands on standard input).",
                "Or, with --hash-pin, reads a staff PIN on standard input and prints its hash: "
                        + "write it into staff.pins as CODE:HASH (docs/kiosk.md)."})
final class DeviceCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "device configuration (properties, docs/device.md)")
    Path config;

    @Option(names = "--simulate", description = "mock GPIO instead of the Pi's: runs on any PC")
    boolean simulate;

    @Option(names = "--no-kiosk", description = "do not serve the kiosk screen")
    boolean noKiosk;

    @Option(names = "--hash-pin", description = "read a staff PIN on standard input, print its hash (the HASH of staff.pins = CODE:HASH) and exit")
    boolean hashPin;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>();
        if (hashPin) {
            if (config != null || simulate || noKiosk) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--hash-pin takes no other option");
            }
            args.add("--hash-pin");
        } else {
            if (config == null && !simulate) {
                throw new CommandLine.ParameterException(spec.commandLine(), "Missing required option: '--config=FILE'");
            }
            if (config != null) {
                args.add("--config");
                args.add(config.toString());
            }
            if (simulate) {
                args.add("--simulate");
            }
            if (noKiosk) {
                args.add("--no-kiosk");
            }
        }
        int code = DeviceMain.run(args.toArray(String[]::new), System.in, System.out, System.err, Gpio.DEFAULT_DEVICE_DIR);
        return code == DeviceMain.EXIT_OK || code == DeviceMain.EXIT_USAGE ? code : 1;
    }
}

package cn.xinan.launcher;

import cn.xinan.device.DeviceMain;
import cn.xinan.device.gpio.Gpio;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code xinan device --config FILE [--simulate]}: the room firmware (docs/device.md). */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Runs the room device firmware: on a Raspberry Pi's GPIO, or with --simulate on any PC.")
final class DeviceCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "device configuration (docs/device.md)")
    Path config;

    @Option(names = "--simulate", description = "mock GPIO inputs instead of the Pi's (for a PC)")
    boolean simulate;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>(List.of("--config", config.toString()));
        if (simulate) {
            args.add("--simulate");
        }
        return DeviceMain.run(args.toArray(String[]::new), System.in, System.out, System.err, Gpio.DEFAULT_DEVICE_DIR);
    }
}

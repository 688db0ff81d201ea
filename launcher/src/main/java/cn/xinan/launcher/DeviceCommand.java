package cn.xinan.launcher;

import cn.xinan.device.DeviceMain;
import cn.xinan.device.gpio.Gpio;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code xinan device --config FILE [--simulate] [--no-kiosk]} or {@code xinan device --hash-pin}: the
 * room firmware (docs/device.md). The arguments go to the firmware's own entry point unchanged, so
 * {@code xinan device} and the installed {@code xinan-device} take the same ones.
 */
@Command(name = "device",
        description = "Runs the room device firmware: on a Raspberry Pi's GPIO, or with --simulate on any PC. "
                + "Arguments: --config FILE [--simulate] [--no-kiosk] | --hash-pin")
final class DeviceCommand implements Callable<Integer> {
    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return DeviceMain.run(args.toArray(String[]::new), System.in, System.out, System.err, Gpio.DEFAULT_DEVICE_DIR);
    }
}

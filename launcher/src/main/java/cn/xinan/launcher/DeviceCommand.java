package cn.xinan.launcher;

import cn.xinan.device.DeviceCommandLine;
import picocli.CommandLine.Command;

/**
 * {@code xinan device --config FILE [--simulate] [--no-kiosk]} or {@code xinan device --hash-pin}: the room
 * firmware (docs/device.md). The firmware's own command line under the name {@code device}, so {@code xinan
 * device} and the installed {@code xinan-device} take the same options, print the same help and exit with the
 * same codes.
 */
@Command(name = "device", mixinStandardHelpOptions = true)
final class DeviceCommand extends DeviceCommandLine {
}

package cn.xinan.launcher.provision;

import cn.xinan.provisioning.DeviceBundle;
import cn.xinan.provisioning.District;
import cn.xinan.provisioning.broker.TestCertificates;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

/** {@code xinan provision device add|replace|move|retire}. */
@Command(name = "device", mixinStandardHelpOptions = true,
        description = "Registers, replaces, moves and retires room devices.",
        subcommands = {DeviceCommands.Add.class, DeviceCommands.Replace.class, DeviceCommands.Move.class,
                DeviceCommands.Retire.class})
final class DeviceCommands implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static void printBundle(District d, DeviceBundle bundle) {
        System.out.println("Bundle for the Pi: " + bundle.dir() + " (device.properties, "
                + (Files.exists(bundle.dir().resolve(TestCertificates.CA_CERT)) ? "ca.crt, " : "") + "SHA256SUMS)");
        if (!Files.exists(bundle.dir().resolve(TestCertificates.CA_CERT))) {
            System.out.println("  no ca.crt: `xinan provision broker` has not made the district's certificates yet");
        }
        System.out.println("  secret (private key, broker password): copy it onto the card, then delete it here.");
        System.out.println("Broker files updated: " + d.brokerDir() + " (copy them to the broker; docs/provisioning.md)");
    }

    /** What the commands on one registered device share: the district and {@code --device}. */
    abstract static class OnADevice implements Callable<Integer> {
        @Mixin
        DistrictOptions district;

        @Option(names = "--device", required = true, description = "the device")
        String device;

        /** {@code text} read by {@link DistrictOptions#when}, or now when the option is not given. */
        static Instant whenOrNow(String option, String text) {
            return text == null ? Instant.now() : DistrictOptions.when(option, text);
        }
    }

    /** {@code --broker-url}, for the commands that write a bundle. */
    static final class BrokerUrlOption {
        @Option(names = "--broker-url", paramLabel = "URL", description = "what it connects to (default: the one `provision broker` recorded)")
        String given;

        String in(DistrictOptions district) {
            return district.brokerUrl(given);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Registers a new device in a room: a new Ed25519 key pair, a broker account and the Pi's bundle.")
    static final class Add implements Callable<Integer> {
        @Mixin
        DistrictOptions district;

        @Option(names = "--room", required = true, description = "the room it is installed in")
        String room;

        @Option(names = "--device", description = "its id (default: ROOM-dN, the first free N)")
        String device;

        @Mixin
        BrokerUrlOption brokerUrl;

        @Override
        public Integer call() {
            District d = district.open();
            String url = brokerUrl.in(district);
            DeviceBundle bundle = d.addDevice(room, Optional.ofNullable(device), url);
            System.out.println("Registered device " + bundle.deviceId() + " in room " + room + ".");
            printBundle(d, bundle);
            return 0;
        }
    }

    @Command(name = "replace", mixinStandardHelpOptions = true,
            description = "A re-imaged Pi: a new key pair and broker password for the same device and room. "
                    + "The old key keeps verifying what the device recorded before.")
    static final class Replace extends OnADevice {
        @Option(names = "--from", paramLabel = "WHEN", description = "when the new key takes over (default: now)")
        String from;

        @Mixin
        BrokerUrlOption brokerUrl;

        @Override
        public Integer call() {
            District d = district.open();
            Instant at = whenOrNow("--from", from);
            DeviceBundle bundle = d.replaceDevice(device, at, brokerUrl.in(district));
            System.out.println("Device " + device + " has a new key from " + at + "; the old one verifies what it recorded before.");
            printBundle(d, bundle);
            return 0;
        }
    }

    @Command(name = "move", mixinStandardHelpOptions = true,
            description = "Moves a device to another room from a date; what it recorded before stays in its old room.")
    static final class Move extends OnADevice {
        @Option(names = "--room", required = true, description = "the room it moves to")
        String room;

        @Option(names = "--from", required = true, paramLabel = "WHEN",
                description = "when it moved: 2026-03-01 (00:00 Beijing time) or 2026-03-01T12:00:00+08:00")
        String from;

        @Override
        public Integer call() {
            Instant at = DistrictOptions.when("--from", from);
            District d = district.open();
            District.Moved moved = d.moveDevice(device, room, at);
            System.out.println("Device " + device + " is in room " + room + " (" + moved.to().name() + ", school "
                    + moved.to().school() + ") from " + at + "; before, in " + moved.from().roomId() + ".");
            if (moved.bundle().isPresent()) {
                printBundle(d, moved.bundle().get());
                System.out.println("  It names the new room (room.name=" + moved.to().name() + "), same key and password: "
                        + "copy it onto the card as for a new device, with the new room's staff PINs and opening hours "
                        + "(docs/provisioning.md, \"Move\").");
            } else {
                System.out.println("Its bundle is no longer in " + d.dir().resolve("bundles") + " (deleted after installation). "
                        + "On the Pi, set room.name=" + moved.to().name() + " in /etc/xinan/device.properties, with the new "
                        + "room's staff PINs and opening hours, and restart xinan-device (docs/provisioning.md, \"Move\").");
            }
            return 0;
        }
    }

    @Command(name = "retire", mixinStandardHelpOptions = true,
            description = "Retires a device: the broker refuses it, nothing it records from then on counts.")
    static final class Retire extends OnADevice {
        @Option(names = "--at", paramLabel = "WHEN", description = "from when (default: now)")
        String at;

        @Override
        public Integer call() {
            District d = district.open();
            Instant when = whenOrNow("--at", at);
            d.retireDevice(device, when);
            System.out.println("Device " + device + " retired from " + when + "; its bundle is deleted.");
            System.out.println("Broker files updated: " + d.brokerDir() + " (copy them to the broker and restart it)");
            return 0;
        }
    }
}

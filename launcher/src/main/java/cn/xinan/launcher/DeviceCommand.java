package cn.xinan.launcher;

import cn.xinan.device.DeviceCommandLine;
import cn.xinan.launcher.demo.DemoDistrict;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * {@code xinan device --config FILE [--simulate] [--no-kiosk]} or {@code xinan device --hash-pin}: the room
 * firmware (docs/device.md). The firmware's own command line under the name {@code device}, so {@code xinan
 * device} and the installed {@code xinan-device} take the same options, print the same help and exit with the
 * same options. The firmware's own failure codes (3 no GPIO, 4 outbox, 5 kiosk port) become 1 here: every {@code xinan}
 * subcommand exits 0, 1 (it failed: the message says why) or 2 (fix the command line or an input file); the installed
 * {@code xinan-device} keeps them.
 *
 * <p>{@code xinan device --simulate [--broker URL] [--kiosk-port N]} without {@code --config} runs the sample room
 * of the demo's district ({@link DemoDistrict#SAMPLE_ROOM}, registered by {@code xinan demo}) against {@code URL},
 * by default the demo's embedded broker.
 */
@Command(name = "device", mixinStandardHelpOptions = true)
final class DeviceCommand extends DeviceCommandLine {
    static final String DEMO_BROKER = "tcp://127.0.0.1:18830";
    static final int SAMPLE_KIOSK_PORT = 8090;

    @Option(names = "--broker", paramLabel = "URL", description = "with --simulate and no --config: the broker of the "
            + "demo's sample room (default: ${DEFAULT-VALUE}, the demo's)", defaultValue = DEMO_BROKER)
    String broker;

    @Option(names = "--kiosk-port", paramLabel = "N", description = "with --simulate and no --config: the sample "
            + "room's kiosk port (default: ${DEFAULT-VALUE}; a free one if taken)", defaultValue = "" + SAMPLE_KIOSK_PORT)
    int kioskPort;

    @Override
    public Integer call() {
        int code = super.call();
        return code == 0 || code == 2 ? code : 1;
    }

    /** Writes the sample room's configuration into a temporary folder. */
    @Override
    protected Path configWhenNoneGiven(boolean simulated, PrintStream out) {
        if (!simulated) {
            return null;
        }
        try {
            Path dir = Files.createTempDirectory("xinan-sample-room-");
            Properties p = new Properties();
            p.setProperty("device.id", DemoDistrict.SAMPLE_DEVICE);
            p.setProperty("device.privateKey", DemoDistrict.sampleDeviceKey().toBase64());
            p.setProperty("mqtt.url", broker);
            p.setProperty("mqtt.password", DemoDistrict.SAMPLE_PASSWORD);
            p.setProperty("outbox.path", dir.resolve("outbox.db").toString());
            p.setProperty("room.name", DemoDistrict.SAMPLE_ROOM.name());
            p.setProperty("kiosk.port", Integer.toString(kioskPort));
            Path config = dir.resolve("device.properties");
            try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
                p.store(w, "the demo district's sample room " + DemoDistrict.SAMPLE_ROOM.roomId());
            }
            out.println("Sample room " + DemoDistrict.SAMPLE_ROOM.roomId() + " (" + DemoDistrict.SAMPLE_ROOM.name()
                    + ") of the demo district, device " + DemoDistrict.SAMPLE_DEVICE + ", broker " + broker
                    + " (start `./xinan demo` first); configuration " + config);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sample room's configuration: " + e.getMessage(), e);
        }
    }
}

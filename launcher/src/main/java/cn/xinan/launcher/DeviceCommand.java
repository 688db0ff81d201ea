package cn.xinan.launcher;

import cn.xinan.device.DeviceMain;
import cn.xinan.device.gpio.Gpio;
import cn.xinan.launcher.demo.DemoDistrict;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * {@code xinan device --config FILE [--simulate] [--no-kiosk]} or {@code xinan device --hash-pin}: the
 * room firmware (docs/device.md). The arguments go to the firmware's own entry point unchanged, so
 * {@code xinan device} and the installed {@code xinan-device} take the same ones.
 *
 * <p>{@code xinan device --simulate [--broker URL] [--kiosk-port N]} without {@code --config} runs the sample room
 * of the demo's district ({@link DemoDistrict#SAMPLE_ROOM}, registered by {@code xinan demo}) against {@code URL},
 * by default the demo's embedded broker.
 */
@Command(name = "device",
        description = "Runs the room device firmware: on a Raspberry Pi's GPIO, or with --simulate on any PC. "
                + "Arguments: --config FILE [--simulate] [--no-kiosk] | --hash-pin | "
                + "--simulate [--broker URL] [--kiosk-port N] (the demo's sample room, no configuration needed)")
final class DeviceCommand implements Callable<Integer> {
    static final String DEMO_BROKER = "tcp://127.0.0.1:18830";
    static final int SAMPLE_KIOSK_PORT = 8090;

    @CommandLine.Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        List<String> firmwareArgs = args;
        if (args.contains("--simulate") && !args.contains("--config")) {
            firmwareArgs = sampleRoom(args);
        }
        return DeviceMain.run(firmwareArgs.toArray(String[]::new), System.in, System.out, System.err, Gpio.DEFAULT_DEVICE_DIR);
    }

    /** Writes the sample room's configuration into a temporary folder and returns the firmware's arguments. */
    private static List<String> sampleRoom(List<String> args) throws IOException {
        List<String> rest = new ArrayList<>();
        String broker = DEMO_BROKER;
        int kioskPort = SAMPLE_KIOSK_PORT;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--broker") || a.equals("--kiosk-port")) {
                if (i + 1 >= args.size()) {
                    throw new UserInputException(a + " needs a value");
                }
                String value = args.get(++i);
                if (a.equals("--broker")) {
                    broker = value;
                } else {
                    try {
                        kioskPort = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new UserInputException("--kiosk-port '" + value + "' is not a port number");
                    }
                }
            } else {
                rest.add(a);
            }
        }
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
        System.out.println("Sample room " + DemoDistrict.SAMPLE_ROOM.roomId() + " (" + DemoDistrict.SAMPLE_ROOM.name()
                + ") of the demo district, device " + DemoDistrict.SAMPLE_DEVICE + ", broker " + broker
                + " (start `./xinan demo` first); configuration " + config);
        List<String> out = new ArrayList<>(List.of("--config", config.toString()));
        out.addAll(rest);
        return out;
    }
}

package cn.xinan.launcher.faults;

import cn.xinan.device.RoomDevice;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Several simulated room devices in one JVM, each exactly what {@code xinan device --simulate} runs
 * ({@link RoomDevice#simulatedRealTime}: real clock, heartbeat timer, its own outbox and MQTT connection),
 * under the steady {@link Activity} of the fault suite. Standard input: {@code network down|up} (all its
 * devices), {@code quit}. Killing the process is a power cut of all its devices at once.
 *
 * <p>{@code FleetMain SEED CONFIG...}
 */
public final class FleetMain {
    private FleetMain() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        long seed = Long.parseLong(args[0]);
        List<RoomDevice> devices = new ArrayList<>();
        List<Activity> activities = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            RoomDevice device = RoomDevice.simulatedRealTime(DeviceConfig.load(Path.of(args[i])), Clock.systemUTC());
            device.boot("power_on");
            devices.add(device);
            activities.add(new Activity(seed + i));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> devices.forEach(RoomDevice::close)));
        Thread load = Thread.ofPlatform().daemon().name("fleet-activity").start(() -> {
            try {
                while (true) {
                    for (int i = 0; i < devices.size(); i++) {
                        String command = activities.get(i).next();
                        if (command != null) {
                            apply(devices.get(i), command);
                        }
                    }
                    Thread.sleep(250); // the pace of the rooms' activity
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null && !line.trim().equals("quit")) {
                switch (line.trim()) {
                    case "network down" -> devices.forEach(RoomDevice::networkDown);
                    case "network up" -> devices.forEach(RoomDevice::networkUp);
                    default -> System.out.println("unknown command '" + line + "'");
                }
            }
        }
        load.interrupt();
        load.join();
        synchronized (FleetMain.class) {
            devices.forEach(RoomDevice::close);
        }
        System.exit(0);
    }

    private static void apply(RoomDevice device, String command) {
        String[] w = command.split(" ");
        synchronized (FleetMain.class) {
            if (!device.isPoweredOn()) {
                return;
            }
            switch (w[0]) {
                case "presence" -> device.presence("on".equals(w[1]));
                case "checkin" -> device.checkIn(Purpose.ofWireName(w[1]), Stage.ofWireName(w[2]));
                case "open" -> device.staffOpen(w[1]);
                case "close" -> device.staffClose(w[1]);
                default -> throw new IllegalArgumentException(command);
            }
        }
    }
}

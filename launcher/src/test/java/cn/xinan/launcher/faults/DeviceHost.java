package cn.xinan.launcher.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A device process of the fault suite: either the shipped command line {@code xinan device --config FILE
 * --simulate --no-kiosk} for one device, fed its activity on standard input ({@link #cli}), or
 * {@link FleetMain} running several devices with the same firmware classes in one JVM ({@link #fleet}, for the
 * benchmark's dozens of devices on two cores). Both take {@code network down|up} on standard input.
 */
final class DeviceHost {
    private static final long TICK_MILLIS = 250;

    private final String name;
    private final List<DeviceSpec> devices;
    private final Path log;
    private final boolean cli;
    private final long seed;
    private Process process;
    private OutputStream stdin;
    private Thread feeder;
    private volatile boolean feeding;

    private DeviceHost(String name, List<DeviceSpec> devices, Path log, boolean cli, long seed) {
        this.name = name;
        this.devices = List.copyOf(devices);
        this.log = log;
        this.cli = cli;
        this.seed = seed;
    }

    static DeviceHost cli(DeviceSpec device, Path log, long seed) {
        return new DeviceHost(device.deviceId(), List.of(device), log, true, seed);
    }

    static DeviceHost fleet(String name, List<DeviceSpec> devices, Path log, long seed) {
        return new DeviceHost(name, devices, log, false, seed);
    }

    String name() {
        return name;
    }

    List<DeviceSpec> devices() {
        return devices;
    }

    synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** Starts (or starts again on the same outboxes) the process under steady activity. */
    synchronized void start() {
        if (isAlive()) {
            return;
        }
        List<String> args = new ArrayList<>();
        String main;
        if (cli) {
            main = "cn.xinan.launcher.Xinan";
            args.addAll(List.of("device", "--config", devices.get(0).configFile().toString(), "--simulate", "--no-kiosk"));
        } else {
            main = FleetMain.class.getName();
            args.add(Long.toString(seed + System.nanoTime()));
            devices.forEach(d -> args.add(d.configFile().toString()));
        }
        process = Jvm.start(main, args, log, cli ? "96m" : "256m");
        stdin = process.getOutputStream();
        if (cli) {
            feeding = true;
            Activity activity = new Activity(seed ^ System.nanoTime());
            OutputStream out = stdin;
            feeder = Thread.ofPlatform().daemon().name("activity-" + name).start(() -> feed(activity, out));
        }
    }

    private void feed(Activity activity, OutputStream out) {
        while (feeding) {
            String command = activity.next();
            if (command != null && !send(out, command)) {
                return;
            }
            try {
                Thread.sleep(TICK_MILLIS); // the pace of the room's activity, not a wait for a condition
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean send(OutputStream out, String command) {
        try {
            synchronized (out) {
                out.write((command + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            return true;
        } catch (IOException e) {
            return false; // the process is gone (killed): its activity ends with it
        }
    }

    private void stopFeeding() {
        feeding = false;
        if (feeder != null) {
            feeder.interrupt();
            try {
                feeder.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            feeder = null;
        }
    }

    /** SIGKILL in the middle of recording (outbox FULL): a power cut of the device. */
    synchronized void kill() {
        stopFeeding();
        Jvm.kill(process);
    }

    synchronized void network(boolean up) {
        if (isAlive()) {
            send(stdin, "network " + (up ? "up" : "down"));
        }
    }
}

package cn.xinan.device;

import cn.xinan.device.config.ConfigException;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.gpio.Gpio;
import cn.xinan.device.gpio.GpioUnavailableException;
import cn.xinan.device.outbox.OutboxException;
import cn.xinan.device.room.ClockSyncStatus;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The firmware's entry point: {@code xinan-device --config FILE [--simulate] [--no-kiosk]} or
 * {@code xinan-device --hash-pin} (options: {@link DeviceCommandLine}).
 *
 * <p>Without {@code --simulate} it drives the Pi's GPIO through libgpiod and runs until stopped
 * (systemd). With {@code --simulate} it uses Pi4J's mock GPIO and reads commands from standard
 * input ({@code help} lists them), so the firmware can be tried on any machine; {@code quit} stops it,
 * and when standard input ends (no terminal) it keeps running until stopped. There is no silent
 * fallback: no GPIO hardware without {@code --simulate} is an error that says so.
 *
 * <p>Exit codes: 0 stopped normally, 2 bad command line or configuration, 3 no GPIO hardware,
 * 4 the outbox cannot be opened, 5 the kiosk cannot listen at all.
 */
public final class DeviceMain {
    public static final int EXIT_OK = 0;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_NO_GPIO = 3;
    public static final int EXIT_OUTBOX = 4;
    public static final int EXIT_KIOSK = 5;

    /** Under systemd, where the Chromium autostart finds the kiosk (the configuration is not readable to it). */
    private static void publishKioskAddress(java.net.URI uri, PrintStream err) {
        cn.xinan.device.kiosk.KioskAddressFile.runtimeDirectory(System.getenv()).ifPresent(dir -> {
            try {
                cn.xinan.device.kiosk.KioskAddressFile.publish(uri, dir);
            } catch (java.io.IOException e) {
                err.println("kiosk: cannot write its address to " + dir + " (" + e.getMessage()
                        + "); the Chromium autostart falls back to port " + cn.xinan.device.config.KioskSettings.DEFAULT_PORT);
            }
        });
    }

    private static final String CONSOLE_COMMANDS = "commands: open STAFF | close STAFF | presence on|off | "
            + "checkin [PURPOSE] [STAGE] | sign open|closed | network down|up | status | help | quit";

    private DeviceMain() {
    }

    public static void main(String[] args) {
        int code = run(args, System.in, System.out, System.err, Gpio.DEFAULT_DEVICE_DIR);
        if (code != EXIT_OK) {
            System.exit(code);
        }
    }

    /**
     * Parses the command line ({@link DeviceCommandLine}) and runs the firmware; returns the exit code.
     *
     * @param gpioDeviceDir where GPIO controllers are looked for ({@link Gpio#DEFAULT_DEVICE_DIR} on a Pi)
     */
    public static int run(String[] args, InputStream in, PrintStream out, PrintStream err, Path gpioDeviceDir) {
        CommandLine cli = new CommandLine(new DeviceCommandLine(in, out, err, gpioDeviceDir));
        cli.setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cli.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        return cli.execute(args);
    }

    /** Runs the firmware until stopped (or, simulated, until {@code quit}); returns the exit code. */
    static int start(Path configFile, boolean simulate, boolean kiosk, InputStream in, PrintStream out, PrintStream err,
                     Path gpioDeviceDir) {
        DeviceConfig config;
        try {
            config = DeviceConfig.load(configFile);
        } catch (ConfigException e) {
            err.println("configuration error in " + configFile + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        out.println("xinan-device " + RoomDevice.FIRMWARE_VERSION + (simulate ? " (simulated GPIO)" : ""));
        for (Map.Entry<String, String> e : config.describe().entrySet()) {
            out.println("  " + e.getKey() + " = " + e.getValue());
        }
        RoomDevice device;
        try {
            device = simulate
                    ? RoomDevice.simulatedRealTime(config, Clock.systemUTC())
                    : RoomDevice.onHardware(config, Clock.systemUTC(), ClockSyncStatus.marker(config.clockSettings().syncMarker()), gpioDeviceDir);
        } catch (GpioUnavailableException e) {
            err.println(e.getMessage());
            return EXIT_NO_GPIO;
        } catch (OutboxException e) {
            err.println(e.getMessage());
            return EXIT_OUTBOX;
        }
        Thread hook = Thread.ofPlatform().unstarted(device::close);
        Runtime.getRuntime().addShutdownHook(hook);
        device.boot("power_on");
        if (kiosk) {
            try {
                java.net.URI kioskUri = device.startKiosk();
                int configured = config.kiosk().port();
                if (configured != 0 && kioskUri.getPort() != configured) {
                    out.println("kiosk: port " + configured + " (kiosk.port) is taken; using " + kioskUri.getPort()
                            + " instead");
                }
                out.println("kiosk ready at " + kioskUri);
                publishKioskAddress(kioskUri, err);
            } catch (java.io.UncheckedIOException e) {
                err.println(e.getMessage());
                device.close();
                Runtime.getRuntime().removeShutdownHook(hook);
                return EXIT_KIOSK;
            }
        }
        SystemdNotify.ready(err);
        if (simulate && console(device, in, out)) {
            device.close();
            Runtime.getRuntime().removeShutdownHook(hook);
            return EXIT_OK;
        }
        if (simulate) {
            // No terminal (a service, `< /dev/null`, a pipe that ended): keep running, like the real firmware.
            out.println("standard input ended: the simulated device keeps running until stopped (Ctrl+C or SIGTERM)");
        }
        // Runs until systemd stops it (the shutdown hook closes the device). Under systemd's watchdog the
        // watchdog is fed at half its period, and only while the device's timer keeps ticking: a hung
        // firmware is restarted (Restart=always).
        long watchdogMillis = watchdogPeriodMillis();
        try {
            if (watchdogMillis <= 0) {
                new CountDownLatch(1).await();
            }
            while (true) {
                Thread.sleep(watchdogMillis / 2);
                if (device.isHealthy()) {
                    SystemdNotify.watchdog(err);
                } else {
                    err.println("firmware unhealthy: not feeding the watchdog (systemd will restart it)");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return EXIT_OK;
    }

    /** systemd's {@code WATCHDOG_USEC} in milliseconds, 0 without a watchdog. */
    private static long watchdogPeriodMillis() {
        String usec = System.getenv("WATCHDOG_USEC");
        if (usec == null || !SystemdNotify.underSystemd()) {
            return 0;
        }
        try {
            return Long.parseLong(usec.trim()) / 1000;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Reads one PIN line and prints its stored form (PBKDF2, fresh salt); the PIN is not echoed. */
    static int hashPin(InputStream in, PrintStream out, PrintStream err) {
        try {
            String pin = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
            out.println(cn.xinan.device.staff.PinHash.of(pin == null ? "" : pin.trim(),
                    cn.xinan.device.staff.PinHash.DEFAULT_ITERATIONS, new java.security.SecureRandom()).encoded());
            return EXIT_OK;
        } catch (IllegalArgumentException e) {
            err.println("--hash-pin: " + e.getMessage());
            return EXIT_USAGE;
        } catch (IOException e) {
            err.println("--hash-pin: cannot read the PIN: " + e.getMessage());
            return EXIT_USAGE;
        }
    }

    /**
     * Simulated mode: one command per line until {@code quit} or end of input.
     *
     * @return whether {@code quit} ended it (the device should stop), rather than the end of the input
     */
    static boolean console(RoomDevice device, InputStream in, PrintStream out) {
        out.println(CONSOLE_COMMANDS);
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                String[] w = line.trim().split("\\s+");
                try {
                    switch (w[0]) {
                        case "" -> { }
                        case "help" -> out.println(CONSOLE_COMMANDS);
                        case "open" -> out.println(device.staffOpen(arg(w, 1)));
                        case "close" -> out.println(device.staffClose(arg(w, 1)));
                        case "presence" -> device.presence("on".equals(arg(w, 1)));
                        case "sign" -> device.signSwitch("open".equals(arg(w, 1)));
                        case "checkin" -> out.println(device.checkIn(
                                w.length > 1 ? Purpose.ofWireName(w[1]) : null,
                                w.length > 2 ? Stage.ofWireName(w[2]) : null));
                        case "network" -> {
                            if ("down".equals(arg(w, 1))) {
                                device.networkDown();
                            } else {
                                device.networkUp();
                            }
                        }
                        case "status" -> out.println(device.state() + " recorded=" + device.recordedCount()
                                + " outbox=" + device.outboxDepth() + " connected=" + device.isConnected());
                        case "quit" -> {
                            return true;
                        }
                        default -> out.println("unknown command '" + w[0] + "'");
                    }
                } catch (IllegalArgumentException | IllegalStateException e) {
                    out.println("error: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            out.println("input closed: " + e.getMessage());
        }
        return false;
    }

    private static String arg(String[] words, int i) {
        if (words.length <= i) {
            throw new IllegalArgumentException("'" + words[0] + "' needs an argument");
        }
        return words[i];
    }
}

package cn.xinan.device;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * Tells systemd the firmware is ready and, while it stays healthy, keeps its watchdog fed
 * ({@code Type=notify}, {@code WatchdogSec=} in xinan-device.service). Uses the {@code systemd-notify}
 * tool (no native library): outside systemd ({@code NOTIFY_SOCKET} unset) it does nothing.
 *
 * <p>{@code NotifyAccess=all} in the unit lets systemd accept messages from that helper process.
 */
final class SystemdNotify {
    private SystemdNotify() {
    }

    static boolean underSystemd() {
        return System.getenv("NOTIFY_SOCKET") != null;
    }

    /** {@code READY=1}. */
    static void ready(PrintStream err) {
        send("--ready", err);
    }

    /** {@code WATCHDOG=1}: the caller has just checked that the firmware is alive. */
    static void watchdog(PrintStream err) {
        send("WATCHDOG=1", err);
    }

    private static void send(String message, PrintStream err) {
        if (!underSystemd()) {
            return;
        }
        try {
            // --pid: the message counts as the main process's, even though the helper exits at once
            Process p = new ProcessBuilder("systemd-notify", "--pid=" + ProcessHandle.current().pid(), message)
                    .redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
                err.println("systemd-notify " + message + " failed");
            }
        } catch (IOException e) {
            err.println("systemd-notify " + message + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

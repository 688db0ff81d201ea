package cn.xinan.launcher.faults;

import java.util.Random;

/**
 * Steady room activity for the fault suite, as the simulated device's console commands (docs/device.md,
 * "Running it"): presence changes, anonymous check-ins, staff open and close. With a 1 s heartbeat a device
 * records about four events a second at one command every 250 ms.
 */
final class Activity {
    private static final String[] PURPOSES = {"individual", "group", "relaxation", "self-help", "appointment"};
    private static final String[] STAGES = {"primary", "junior", "senior"};

    private final Random random;
    private boolean occupied;
    private boolean open;

    Activity(long seed) {
        this.random = new Random(seed);
    }

    /** The next command, or {@code null} for a quiet tick. */
    synchronized String next() {
        int r = random.nextInt(10);
        if (r < 3) {
            occupied = !occupied;
            return "presence " + (occupied ? "on" : "off");
        }
        if (r < 5) {
            return "checkin " + PURPOSES[random.nextInt(PURPOSES.length)] + " " + STAGES[random.nextInt(STAGES.length)];
        }
        if (r < 6) {
            open = !open;
            return (open ? "open" : "close") + " T" + (1 + random.nextInt(3));
        }
        return null;
    }
}

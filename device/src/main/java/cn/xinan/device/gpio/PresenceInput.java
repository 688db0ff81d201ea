package cn.xinan.device.gpio;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The presence sensor's digital output (a PIR, or an mmWave module such as the LD2410, which drives
 * its OUT pin while it detects someone) on one GPIO input, through a {@link LevelFilter}: debounce,
 * then a hold time after the last activation (PIR). Reports occupied/vacant changes, each with the
 * time it took effect. The pin is pulled towards the inactive level, so a disconnected sensor reads
 * vacant.
 *
 * <p>Time comes from the injected clock; the filter's timed changes (end of a debounce or of a hold)
 * happen when the owner calls {@link #advanceTo} (a timer on a Pi, the simulated clock in a replay).
 */
public final class PresenceInput {
    /** How the sensor is wired and filtered. */
    public record Settings(int bcmPin, boolean activeHigh, Duration debounce, Duration hold) {
        public Settings {
            Objects.requireNonNull(debounce, "debounce is missing");
            Objects.requireNonNull(hold, "hold is missing");
        }
    }

    private final Gpio gpio;
    private final DigitalInput input;
    private final boolean activeHigh;
    private final Clock clock;
    private final LevelFilter filter;
    private final Consumer<LevelFilter.Change> onChange;

    /**
     * @param onChange told every filtered change (true = occupied), outside this driver's lock, on the
     *                 thread that caused it (Pi4J's listener thread, or the caller of {@link #advanceTo})
     */
    public PresenceInput(Gpio gpio, Settings settings, Clock clock, Consumer<LevelFilter.Change> onChange) {
        this.gpio = Objects.requireNonNull(gpio, "gpio is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.onChange = Objects.requireNonNull(onChange, "listener is missing");
        this.activeHigh = settings.activeHigh();
        this.input = gpio.context().create(DigitalInput.newConfigBuilder(gpio.context())
                .id("presence-" + settings.bcmPin())
                .name("Presence sensor")
                .address(settings.bcmPin())
                .pull(activeHigh ? PullResistance.PULL_DOWN : PullResistance.PULL_UP)
                .provider(gpio.inputProvider())
                .build());
        if (input instanceof MockDigitalInput mock && !activeHigh) {
            mock.mockState(DigitalState.HIGH); // an idle active-low sensor sits high (the pull-up)
        }
        this.filter = new LevelFilter(settings.debounce(), settings.hold(), occupied(input.state()), clock.instant());
        input.addListener(event -> report(rawChange(occupied(event.state()))));
    }

    private synchronized List<LevelFilter.Change> rawChange(boolean occupied) {
        return filter.raw(occupied, clock.instant());
    }

    private void report(List<LevelFilter.Change> changes) {
        changes.forEach(onChange);
    }

    /** Reports the filtered changes due by {@code now} (end of a debounce or a hold). */
    public void advanceTo(Instant now) {
        List<LevelFilter.Change> changes;
        synchronized (this) {
            changes = filter.advanceTo(now);
        }
        report(changes);
    }

    /** When a filtered change may fall due without a new raw change. */
    public synchronized Optional<Instant> nextDeadline() {
        return filter.nextDeadline();
    }

    /** The filtered level: occupied or not. */
    public synchronized boolean occupied() {
        return filter.active();
    }

    /** When the sensor's raw output last changed: a sensor that never changes while people come and go is stuck. */
    public synchronized Instant lastRawChange() {
        return filter.lastRawChange();
    }

    /**
     * Whether the sensor's input cannot be read right now: reading it fails, or the driver knows no level for it
     * (a hardware read error, reported in the device's health).
     */
    public boolean readError() {
        try {
            return input.state() == null || input.state() == DigitalState.UNKNOWN;
        } catch (RuntimeException e) {
            return true;
        }
    }

    /**
     * Simulated mode: drives the mock pin to the level the sensor would output, so the change goes
     * through Pi4J and this driver's listener exactly as on hardware.
     *
     * @throws IllegalStateException on real hardware
     */
    public void simulate(boolean occupied) {
        if (!(input instanceof MockDigitalInput mock)) {
            throw new IllegalStateException("presence can only be simulated with the mock GPIO (--simulate)");
        }
        mock.mockState(occupied == activeHigh ? DigitalState.HIGH : DigitalState.LOW);
    }

    private boolean occupied(DigitalState state) {
        return activeHigh ? state == DigitalState.HIGH : state == DigitalState.LOW;
    }

    @Override
    public String toString() {
        return "PresenceInput[" + input.id() + ", active " + (activeHigh ? "high" : "low") + ", simulated="
                + gpio.isSimulated() + "]";
    }
}

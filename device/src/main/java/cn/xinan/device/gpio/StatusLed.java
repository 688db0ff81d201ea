package cn.xinan.device.gpio;

import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The status LED on one GPIO output ({@link LedPattern}: open, closed, offline). The owner says which
 * pattern to show and, for a blink, calls {@link #refresh} with the time (a 500 ms timer on a Pi; the
 * simulated clock in tests), so the driver has no thread of its own.
 */
public final class StatusLed {
    /** How the LED is wired: {@code activeHigh} = the pin drives it lit when high (LED to ground). */
    public record Settings(int bcmPin, boolean activeHigh) {
    }

    private final DigitalOutput output;
    private final boolean activeHigh;
    private LedPattern pattern;
    private Instant patternSince;

    public StatusLed(Gpio gpio, Settings settings, Instant now) {
        Objects.requireNonNull(gpio, "gpio is missing");
        this.activeHigh = settings.activeHigh();
        DigitalState off = activeHigh ? DigitalState.LOW : DigitalState.HIGH;
        this.output = gpio.context().create(DigitalOutput.newConfigBuilder(gpio.context())
                .id("led-" + settings.bcmPin())
                .name("Status LED")
                .address(settings.bcmPin())
                .initial(off)
                .shutdown(off)
                .provider(gpio.outputProvider())
                .build());
        show(LedPattern.CLOSED, now);
    }

    /** Shows {@code pattern} from {@code now} (the same pattern again keeps its phase). */
    public synchronized void show(LedPattern pattern, Instant now) {
        Objects.requireNonNull(pattern, "pattern is missing");
        if (pattern != this.pattern) {
            this.pattern = pattern;
            this.patternSince = now;
        }
        refresh(now);
    }

    /** Sets the pin to what the pattern shows at {@code now}. */
    public synchronized void refresh(Instant now) {
        Duration since = Duration.between(patternSince, now);
        boolean lit = pattern.litAt(since.isNegative() ? Duration.ZERO : since);
        output.state(lit == activeHigh ? DigitalState.HIGH : DigitalState.LOW);
    }

    public synchronized LedPattern pattern() {
        return pattern;
    }

    /** Whether the LED is lit right now (read back from the pin). */
    public synchronized boolean isLit() {
        return (output.state() == DigitalState.HIGH) == activeHigh;
    }
}

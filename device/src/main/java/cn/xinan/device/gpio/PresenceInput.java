package cn.xinan.device.gpio;

import com.pi4j.io.gpio.digital.DigitalInput;
import com.pi4j.io.gpio.digital.DigitalState;
import com.pi4j.io.gpio.digital.PullResistance;
import com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * The presence sensor's digital output (PIR, or an mmWave module such as the LD2410) on one GPIO
 * input: reports occupied/vacant on every level change. The pin is pulled towards the inactive
 * level, so a disconnected sensor reads vacant. Debounce, hold time and stuck detection come later.
 */
public final class PresenceInput {
    private final Gpio gpio;
    private final DigitalInput input;
    private final boolean activeHigh;

    /**
     * @param bcmPin     BCM number of the input
     * @param activeHigh whether a high level means occupied
     * @param onChange   called with the new level (true = occupied) on the thread that saw the change
     */
    public PresenceInput(Gpio gpio, int bcmPin, boolean activeHigh, Consumer<Boolean> onChange) {
        this.gpio = Objects.requireNonNull(gpio, "gpio is missing");
        Objects.requireNonNull(onChange, "listener is missing");
        this.activeHigh = activeHigh;
        this.input = gpio.context().create(DigitalInput.newConfigBuilder(gpio.context())
                .id("presence-" + bcmPin)
                .name("Presence sensor")
                .address(bcmPin)
                .pull(activeHigh ? PullResistance.PULL_DOWN : PullResistance.PULL_UP)
                .provider(gpio.inputProvider())
                .build());
        if (input instanceof MockDigitalInput mock && !activeHigh) {
            mock.mockState(DigitalState.HIGH); // an idle active-low sensor sits high (the pull-up)
        }
        input.addListener(event -> onChange.accept(occupied(event.state())));
    }

    /** The level the sensor reports right now. */
    public boolean occupied() {
        return occupied(input.state());
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

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
 * The optional open/closed sign switch by the door (一个"开放/关闭"牌): turning it is the staff open or
 * close, recorded under the configured staff code. One GPIO input, debounced by a {@link LevelFilter}
 * (no hold); the pin is pulled to the level opposite {@code openLevel}, so the usual wiring is a switch
 * to ground with {@code openLevel = low}.
 *
 * <p>Only a <em>turn</em> of the switch acts: its position at boot does not open the room (after a
 * power cut the room stays closed until someone acts, docs/rules.md §2).
 */
public final class SignSwitch {
    /** How the switch is wired. */
    public record Settings(int bcmPin, boolean openHigh, Duration debounce, String staffCode) {
        public Settings {
            Objects.requireNonNull(debounce, "debounce is missing");
            Objects.requireNonNull(staffCode, "staff code is missing");
        }
    }

    private final DigitalInput input;
    private final boolean openHigh;
    private final Clock clock;
    private final LevelFilter filter;
    private final Consumer<LevelFilter.Change> onTurn;

    /** @param onTurn told every debounced turn (true = open), outside this driver's lock */
    public SignSwitch(Gpio gpio, Settings settings, Clock clock, Consumer<LevelFilter.Change> onTurn) {
        Objects.requireNonNull(gpio, "gpio is missing");
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.onTurn = Objects.requireNonNull(onTurn, "listener is missing");
        this.openHigh = settings.openHigh();
        this.input = gpio.context().create(DigitalInput.newConfigBuilder(gpio.context())
                .id("sign-" + settings.bcmPin())
                .name("Open/closed sign switch")
                .address(settings.bcmPin())
                .pull(openHigh ? PullResistance.PULL_DOWN : PullResistance.PULL_UP)
                .provider(gpio.inputProvider())
                .build());
        if (input instanceof MockDigitalInput mock && !openHigh) {
            mock.mockState(DigitalState.HIGH); // the pull-up: closed
        }
        this.filter = new LevelFilter(settings.debounce(), Duration.ZERO, open(input.state()), clock.instant());
        input.addListener(event -> rawChange(open(event.state())).forEach(onTurn));
    }

    private synchronized List<LevelFilter.Change> rawChange(boolean open) {
        return filter.raw(open, clock.instant());
    }

    /** Reports a turn whose debounce ends by {@code now}. */
    public void advanceTo(Instant now) {
        List<LevelFilter.Change> changes;
        synchronized (this) {
            changes = filter.advanceTo(now);
        }
        changes.forEach(onTurn);
    }

    public synchronized Optional<Instant> nextDeadline() {
        return filter.nextDeadline();
    }

    /** The debounced position: open or not. */
    public synchronized boolean isOpen() {
        return filter.active();
    }

    /** Simulated mode: turns the mock switch. @throws IllegalStateException on real hardware */
    public void simulate(boolean open) {
        if (!(input instanceof MockDigitalInput mock)) {
            throw new IllegalStateException("the sign switch can only be simulated with the mock GPIO (--simulate)");
        }
        mock.mockState(open == openHigh ? DigitalState.HIGH : DigitalState.LOW);
    }

    private boolean open(DigitalState state) {
        return openHigh ? state == DigitalState.HIGH : state == DigitalState.LOW;
    }
}

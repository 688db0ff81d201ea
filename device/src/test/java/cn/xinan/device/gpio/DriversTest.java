package cn.xinan.device.gpio;

import cn.xinan.device.gpio.LevelFilter.Change;
import com.pi4j.io.gpio.digital.DigitalOutput;
import com.pi4j.io.gpio.digital.DigitalState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The presence input, sign switch and status LED drivers on Pi4J's mock plugin, with a simulated clock. */
class DriversTest extends MockGpioTestBase {
    private final List<Change> changes = new ArrayList<>();

    @Test
    void presenceFromAPirIsDebouncedAndHeld() {
        PresenceInput pir = new PresenceInput(gpio,
                new PresenceInput.Settings(17, true, Duration.ofMillis(50), Duration.ofSeconds(30)), clock, changes::add);
        pir.simulate(true);
        clockAt(20);
        pir.simulate(false); // a 20 ms spike: not a person
        clockAt(1_000);
        pir.advanceTo(clock.instant());
        assertThat(changes).isEmpty();

        pir.simulate(true);
        clockAt(1_050);
        pir.advanceTo(clock.instant());
        assertThat(changes).containsExactly(new Change(true, at(1_050)));
        assertThat(pir.occupied()).isTrue();

        clockAt(5_000);
        pir.simulate(false);
        assertThat(pir.nextDeadline()).contains(at(5_050));
        clockAt(40_000);
        pir.advanceTo(clock.instant());
        assertThat(changes).containsExactly(new Change(true, at(1_050)), new Change(false, at(35_050)));
        assertThat(pir.lastRawChange()).isEqualTo(at(5_000));
    }

    @Test
    void anMmWaveModuleActiveLowReportsItsLevelAsItComes() {
        PresenceInput radar = new PresenceInput(gpio,
                new PresenceInput.Settings(22, false, Duration.ZERO, Duration.ZERO), clock, changes::add);
        assertThat(radar.occupied()).isFalse(); // the idle pin sits high (pull-up)
        clockAt(10);
        radar.simulate(true);
        clockAt(20);
        radar.simulate(false);
        assertThat(changes).containsExactly(new Change(true, at(10)), new Change(false, at(20)));
    }

    @Test
    void aPresenceInputWhoseLevelCannotBeReadReportsAReadError() {
        PresenceInput pir = new PresenceInput(gpio,
                new PresenceInput.Settings(17, true, Duration.ZERO, Duration.ZERO), clock, changes::add);
        assertThat(pir.readError()).isFalse();
        com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput pin = gpio.context().registry()
                .get("presence-17", com.pi4j.plugin.mock.provider.gpio.digital.MockDigitalInput.class);
        pin.mockState(com.pi4j.io.gpio.digital.DigitalState.UNKNOWN); // the driver lost the line's level
        assertThat(pir.readError()).isTrue();
        pin.mockState(com.pi4j.io.gpio.digital.DigitalState.LOW);
        assertThat(pir.readError()).isFalse();
    }

    @Test
    void theSignSwitchReportsDebouncedTurns() {
        SignSwitch sign = new SignSwitch(gpio, new SignSwitch.Settings(27, false, Duration.ofMillis(50), "SIGN"),
                clock, changes::add);
        assertThat(sign.isOpen()).isFalse();
        sign.simulate(true);
        clockAt(10);
        sign.simulate(false);
        sign.simulate(true); // contact bounce while turning
        clockAt(100);
        sign.advanceTo(clock.instant());
        assertThat(changes).containsExactly(new Change(true, at(60)));
        assertThat(sign.isOpen()).isTrue();
    }

    @Test
    void theStatusLedShowsOpenClosedAndOfflinePatterns() {
        StatusLed led = new StatusLed(gpio, new StatusLed.Settings(23, true), clock.instant());
        DigitalOutput pin = gpio.context().registry().get("led-23", DigitalOutput.class);
        assertThat(led.isLit()).isFalse();
        assertThat(pin.state()).isEqualTo(DigitalState.LOW);

        led.show(LedPattern.OPEN, clock.instant());
        assertThat(pin.state()).isEqualTo(DigitalState.HIGH);

        led.show(LedPattern.OFFLINE, at(1_000));
        List<Boolean> blink = new ArrayList<>();
        for (long ms = 1_000; ms < 3_000; ms += 250) {
            led.refresh(at(ms));
            blink.add(led.isLit());
        }
        assertThat(blink).containsExactly(true, true, false, false, true, true, false, false);

        led.show(LedPattern.CLOSED, at(3_000));
        assertThat(pin.state()).isEqualTo(DigitalState.LOW);
    }

    @Test
    void anActiveLowLedIsLitByALowPin() {
        StatusLed led = new StatusLed(gpio, new StatusLed.Settings(24, false), clock.instant());
        DigitalOutput pin = gpio.context().registry().get("led-24", DigitalOutput.class);
        assertThat(pin.state()).isEqualTo(DigitalState.HIGH);
        led.show(LedPattern.OPEN, clock.instant());
        assertThat(pin.state()).isEqualTo(DigitalState.LOW);
        assertThat(led.isLit()).isTrue();
    }

    @Test
    void theLedPatternFollowsRoomAndConnection() {
        assertThat(LedPattern.of(true, true)).isEqualTo(LedPattern.OPEN);
        assertThat(LedPattern.of(false, true)).isEqualTo(LedPattern.CLOSED);
        assertThat(LedPattern.of(true, false)).isEqualTo(LedPattern.OFFLINE);
        assertThat(LedPattern.of(false, false)).isEqualTo(LedPattern.OFFLINE);
    }
}

package cn.xinan.device;

import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.gpio.LedPattern;
import cn.xinan.device.gpio.SignSwitch;
import cn.xinan.device.gpio.StatusLed;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static cn.xinan.device.Fixtures.MONDAY_0750;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sensor filtering, the sign switch, the LED and stuck-sensor health through the device, on mock GPIO. */
class SensorsOnDeviceTest {
    @TempDir
    Path dir;
    private final SimulatedClock clock = new SimulatedClock(MONDAY_0750);
    private DeviceConfig config;
    private RoomDevice device;

    @BeforeEach
    void config() throws Exception {
        config = Fixtures.config("room-1", Fixtures.deadBrokerUrl(), dir)
                .withHeartbeatInterval(Duration.ofHours(1));
    }

    @AfterEach
    void off() {
        if (device != null) {
            device.powerOff();
        }
    }

    private RoomDevice boot(DeviceConfig c) {
        device = RoomDevice.simulated(c, clock);
        device.boot("power_on");
        return device;
    }

    private List<DeviceEvent> recorded() {
        device.powerOff();
        return Fixtures.pending(config).stream().map(SignedEvent::event).toList();
    }

    private Instant plus(long seconds) {
        return MONDAY_0750.plusSeconds(seconds);
    }

    @Test
    void aPirHoldKeepsTheRoomOccupiedAndTheVacancyIsRecordedWhenTheHoldEnds() {
        config = config.withPresenceFilter(Duration.ofMillis(100), Duration.ofSeconds(30), Duration.ofHours(4));
        boot(config);
        device.advanceTo(plus(10));
        device.presence(true);
        device.advanceTo(plus(11));
        device.presence(false);
        device.advanceTo(plus(15));
        device.presence(true); // moved again within the hold
        device.advanceTo(plus(16));
        device.presence(false);
        device.advanceTo(plus(120));

        assertThat(recorded()).filteredOn(e -> e.body() instanceof EventBody.Presence)
                .extracting(DeviceEvent::body, DeviceEvent::at)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(new EventBody.Presence(true), plus(10).plusMillis(100)),
                        org.assertj.core.groups.Tuple.tuple(new EventBody.Presence(false), plus(46).plusMillis(100)));
    }

    @Test
    void theSignSwitchOpensAndClosesTheRoomUnderItsStaffCode() {
        config = config.withSignSwitch(new SignSwitch.Settings(27, false, Duration.ofMillis(50), "SIGN"));
        boot(config);
        device.advanceTo(plus(60));
        device.signSwitch(true);
        device.advanceTo(plus(61));
        assertThat(device.state().open()).isTrue();
        device.signSwitch(false);
        device.advanceTo(plus(3_600));
        assertThat(device.state().open()).isFalse();

        assertThat(recorded()).extracting(DeviceEvent::body, DeviceEvent::at).containsSubsequence(
                org.assertj.core.groups.Tuple.tuple(new EventBody.StaffOpen("SIGN"), plus(60).plusMillis(50)),
                org.assertj.core.groups.Tuple.tuple(new EventBody.StaffClose("SIGN"), plus(61).plusMillis(50)));
    }

    @Test
    void withoutASignSwitchTurningOneIsAnError() {
        boot(config);
        assertThatThrownBy(() -> device.signSwitch(true)).hasMessageContaining("gpio.sign.pin");
    }

    @Test
    void theLedBlinksOfflineWithoutABroker() {
        config = config.withStatusLed(new StatusLed.Settings(23, true));
        boot(config);
        device.staffOpen("T01");
        assertThat(device.ledPattern()).contains(LedPattern.OFFLINE);
    }

    @Test
    void aSensorThatNeverChangesWhileTheRoomIsOpenIsReportedStuck() {
        config = config.withPresenceFilter(Duration.ZERO, Duration.ZERO, Duration.ofHours(2));
        boot(config);
        device.staffOpen("T01");
        device.advanceTo(plus(2 * 3_600 - 1));
        assertThat(device.presenceSensorStuck()).isFalse();
        assertThat(device.health()).containsEntry("sensorStuck", false);
        device.advanceTo(plus(2 * 3_600));
        assertThat(device.presenceSensorStuck()).isTrue();
        assertThat(device.health()).containsEntry("sensorStuck", true);

        device.presence(true); // someone walks by: the sensor works
        assertThat(device.presenceSensorStuck()).isFalse();
    }

    @Test
    void aCloseInBetweenPausesTheStuckCountAndAChangeOfTheReadingResetsIt() {
        config = config.withPresenceFilter(Duration.ZERO, Duration.ZERO, Duration.ofHours(4));
        boot(config);
        device.staffOpen("T01");
        device.advanceTo(plus(2 * 3_600));
        device.staffClose("T01"); // lunch: 2 h open so far, the count pauses
        device.advanceTo(plus(3 * 3_600));
        assertThat(device.deviceHealth().sensorUnchangedOpenSeconds()).isEqualTo(2 * 3_600);
        device.staffOpen("T01");
        device.advanceTo(plus(5 * 3_600));
        assertThat(device.deviceHealth().sensorUnchangedOpenSeconds()).isEqualTo(4 * 3_600);
        assertThat(device.presenceSensorStuck()).isTrue();

        device.presence(true); // the reading changes: it works, the count starts again
        device.advanceTo(plus(5 * 3_600 + 600));
        assertThat(device.deviceHealth().sensorUnchangedOpenSeconds()).isEqualTo(600);
        assertThat(device.presenceSensorStuck()).isFalse();
    }

    @Test
    void aClosedRoomIsNeverReportedStuck() {
        boot(config);
        device.advanceTo(plus(24 * 3_600));
        assertThat(device.presenceSensorStuck()).isFalse();
    }
}

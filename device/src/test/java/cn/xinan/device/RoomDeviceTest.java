package cn.xinan.device;

import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.room.RoomState;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.EventKind;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static cn.xinan.device.Fixtures.MONDAY_0750;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device facade in simulated mode, with no broker reachable: recording never waits for the network. */
class RoomDeviceTest {
    @TempDir
    Path dir;
    private final SimulatedClock clock = new SimulatedClock(MONDAY_0750);
    private final List<RoomDevice> devices = new ArrayList<>();
    private DeviceConfig config;

    @BeforeEach
    void config() throws Exception {
        config = Fixtures.config("room-1", Fixtures.deadBrokerUrl(), dir);
    }

    @AfterEach
    void powerOffAll() {
        devices.forEach(RoomDevice::powerOff);
    }

    private RoomDevice device() {
        RoomDevice d = RoomDevice.simulated(config, clock);
        devices.add(d);
        return d;
    }

    private List<DeviceEvent> recorded(RoomDevice d) {
        d.powerOff();
        return Fixtures.pending(config).stream().map(SignedEvent::event).toList();
    }

    @Test
    void bootsClosedAndVacantAndRecordsWithoutABroker() {
        RoomDevice d = device();
        d.boot("power_on");
        d.staffOpen("T01");

        assertThat(d.state()).isEqualTo(new RoomState(true, false));
        assertThat(d.outboxDepth()).isEqualTo(2);
        assertThat(d.recordedCount()).isEqualTo(2);
        assertThat(d.isConnected()).isFalse();
    }

    @Test
    void presenceGoesThroughTheMockGpioPin() {
        RoomDevice d = device();
        d.boot("power_on");
        d.presence(true);
        assertThat(d.state().occupied()).isTrue();
        d.presence(true); // the same level: the pin does not change, nothing is recorded
        d.presence(false);

        assertThat(recorded(d)).extracting(DeviceEvent::body).containsExactly(
                new EventBody.Boot("power_on", null), new EventBody.Presence(true), new EventBody.Presence(false));
    }

    @Test
    void anActiveLowSensorIsReadTheRightWayRound() {
        config = new DeviceConfig(config.deviceId(), config.privateKey(), config.mqttUrl(), "", config.outboxPath(),
                config.outboxSynchronous(), config.heartbeatInterval(), config.reconnectMinDelay(),
                config.reconnectMaxDelay(), 5, false);
        RoomDevice d = device();
        d.boot("power_on");
        assertThat(d.state().occupied()).isFalse();
        d.presence(true);
        assertThat(d.state().occupied()).isTrue();
    }

    @Test
    void heartbeatsFallEveryIntervalFromBootEachAtItsOwnTime() {
        RoomDevice d = device();
        d.boot("power_on");
        assertThat(d.advanceTo(MONDAY_0750.plusSeconds(59))).isZero();
        assertThat(d.advanceTo(MONDAY_0750.plusSeconds(600))).isEqualTo(10); // at +60 s … +600 s
        clock.advanceTo(MONDAY_0750.plusSeconds(610)); // a shared clock moved on by another room
        d.staffOpen("T01");

        List<DeviceEvent> events = recorded(d);
        assertThat(events).filteredOn(e -> e.kind() == EventKind.HEARTBEAT).extracting(DeviceEvent::at)
                .containsExactly(java.util.stream.IntStream.rangeClosed(1, 10)
                        .mapToObj(k -> MONDAY_0750.plusSeconds(60L * k)).toArray(Instant[]::new));
        assertThat(events.getLast().body()).isEqualTo(new EventBody.StaffOpen("T01"));
        assertThat(events.getLast().at()).isEqualTo(MONDAY_0750.plusSeconds(610));
        assertThat(events).extracting(DeviceEvent::seq).isSorted();
    }

    @Test
    void theHeartbeatIntervalIsConfigurable() {
        config = config.withHeartbeatInterval(Duration.ofSeconds(300));
        RoomDevice d = device();
        d.boot("power_on");
        assertThat(d.advanceTo(MONDAY_0750.plusSeconds(3600))).isEqualTo(12);
    }

    @Test
    void aPowerLossRecordsTheHeartbeatsAlreadyDueThenNothingMore() {
        RoomDevice d = device();
        d.boot("power_on");
        clock.advanceTo(MONDAY_0750.plusSeconds(150));
        d.powerOff();

        assertThatThrownBy(() -> d.staffOpen("T01")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not running");
        assertThat(d.recordedCount()).isEqualTo(3); // boot + heartbeats at +60 s and +120 s
        assertThat(d.isPoweredOn()).isFalse();
    }

    @Test
    void aNewDeviceOnTheSameOutboxContinuesTheSequenceAndKnowsWhenItWasLastAlive() {
        RoomDevice first = device();
        first.boot("power_on");
        first.advanceTo(MONDAY_0750.plusSeconds(130));
        first.powerOff();

        clock.advanceTo(MONDAY_0750.plusSeconds(3600));
        RoomDevice second = device();
        DeviceEvent boot = second.boot("power_on");

        assertThat(boot.seq()).isEqualTo(4);
        assertThat(boot.body()).isEqualTo(new EventBody.Boot("power_on", MONDAY_0750.plusSeconds(120)));
        assertThat(second.state()).isEqualTo(RoomState.AFTER_BOOT);
        assertThat(second.recordedThisRun()).isEqualTo(1);
        assertThat(second.recordedCount()).isEqualTo(4);
    }

    @Test
    void withARealClockATimerRecordsTheHeartbeats() {
        config = config.withHeartbeatInterval(Duration.ofSeconds(1));
        RoomDevice d = RoomDevice.simulatedRealTime(config, java.time.Clock.systemUTC());
        devices.add(d);
        Instant bootAt = d.boot("power_on").at();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> d.recordedCount() >= 3);
        List<DeviceEvent> events = recorded(d);
        assertThat(events.subList(1, 3)).extracting(DeviceEvent::at)
                .containsExactly(bootAt.plusSeconds(1), bootAt.plusSeconds(2));
    }

    @Test
    void theSimulatedClockNeverGoesBackwards() {
        clock.advanceTo(MONDAY_0750.plusSeconds(10));
        assertThatThrownBy(() -> clock.advanceTo(MONDAY_0750)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("never goes backwards");
    }
}

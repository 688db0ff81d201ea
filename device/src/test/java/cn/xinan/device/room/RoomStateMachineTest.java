package cn.xinan.device.room;

import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.EventSigner;
import cn.xinan.wire.SignatureVerifier;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RoomStateMachineTest {
    private static final Instant T0 = Instant.parse("2025-03-02T23:50:00Z");
    private static final Ed25519Keys.PrivateKey KEY = Ed25519Keys.generate(new SecureRandom());

    @TempDir
    Path dir;
    private final SimulatedClock clock = new SimulatedClock(T0);
    private final AtomicInteger wakes = new AtomicInteger();
    private Outbox outbox;
    private RoomStateMachine room;

    @BeforeEach
    void build() {
        outbox = Outbox.open(dir.resolve("outbox.db"), "room-1", SynchronousMode.NORMAL);
        EventRecorder recorder = new EventRecorder("room-1", new EventSigner(KEY), outbox, ClockSyncStatus.SYNCED,
                wakes::incrementAndGet);
        room = new RoomStateMachine(recorder, clock, Duration.ofSeconds(60));
    }

    @AfterEach
    void close() {
        outbox.close();
    }

    private List<DeviceEvent> recorded() {
        return outbox.oldest(10_000).stream().map(SignedEvent::event).toList();
    }

    private List<EventBody> bodies() {
        return recorded().stream().map(DeviceEvent::body).toList();
    }

    @Test
    void afterBootTheRoomIsClosedAndVacant() {
        DeviceEvent boot = room.boot("power_on", null);

        assertThat(room.state()).isEqualTo(new RoomState(false, false));
        assertThat(boot.body()).isEqualTo(new EventBody.Boot("power_on", null));
        assertThat(boot.seq()).isEqualTo(1);
        assertThat(boot.at()).isEqualTo(T0);
        assertThat(boot.clockSynced()).isTrue();
    }

    @Test
    void openAndCloseChangeTheStateAndAreRecorded() {
        room.boot("power_on", null);
        clock.advanceTo(T0.plusSeconds(10));
        room.staffOpen("T01");
        assertThat(room.state().open()).isTrue();
        clock.advanceTo(T0.plusSeconds(20));
        room.staffClose("T01");
        assertThat(room.state().open()).isFalse();

        assertThat(bodies()).containsExactly(new EventBody.Boot("power_on", null), new EventBody.StaffOpen("T01"),
                new EventBody.StaffClose("T01"));
    }

    @Test
    void openWhileOpenAndCloseWhileClosedAreRecordedButChangeNothing() {
        room.boot("power_on", null);
        room.staffClose("T02"); // closed already
        assertThat(room.state().open()).isFalse();
        room.staffOpen("T01");
        room.staffOpen("T02"); // open already
        assertThat(room.state().open()).isTrue();

        assertThat(bodies()).containsExactly(new EventBody.Boot("power_on", null), new EventBody.StaffClose("T02"),
                new EventBody.StaffOpen("T01"), new EventBody.StaffOpen("T02"));
    }

    @Test
    void onlyPresenceLevelChangesAreRecorded() {
        room.boot("power_on", null);
        assertThat(room.presence(false)).isEmpty(); // vacant after boot already
        assertThat(room.presence(true)).isPresent();
        assertThat(room.presence(true)).isEmpty();
        assertThat(room.state().occupied()).isTrue();
        assertThat(room.presence(false)).isPresent();

        assertThat(bodies()).containsExactly(new EventBody.Boot("power_on", null), new EventBody.Presence(true),
                new EventBody.Presence(false));
    }

    @Test
    void checkInCarriesOnlyOptionalPurposeAndStage() {
        room.boot("power_on", null);
        room.checkIn(Purpose.RELAXATION, Stage.JUNIOR);
        room.checkIn(null, null);

        assertThat(bodies()).endsWith(new EventBody.CheckIn(Purpose.RELAXATION, Stage.JUNIOR),
                new EventBody.CheckIn(null, null));
        assertThat(room.state()).isEqualTo(RoomState.AFTER_BOOT);
    }

    @Test
    void everyEventHasAUniqueIdTheNextSequenceWholeMillisecondsAndAValidSignature() {
        clock.advanceTo(T0.plusNanos(1_234_567)); // sub-millisecond clock
        room.boot("power_on", null);
        room.staffOpen("T01");
        room.checkIn(null, null);

        List<SignedEvent> signed = outbox.oldest(10);
        assertThat(signed).extracting(e -> e.event().seq()).containsExactly(1L, 2L, 3L);
        assertThat(signed).extracting(e -> e.event().eventId()).doesNotHaveDuplicates();
        assertThat(signed).allSatisfy(e -> {
            assertThat(e.event().at()).isEqualTo(T0.plusMillis(1));
            assertThat(SignatureVerifier.verifyEvent(e, KEY.publicKey())).isTrue();
        });
        assertThat(wakes).hasValue(3);
    }

    @Test
    void theClockSyncFlagIsTakenWhenEachEventIsRecorded() {
        boolean[] synced = {false};
        Outbox other = Outbox.open(dir.resolve("unsynced.db"), "room-2", SynchronousMode.NORMAL);
        try (other) {
            RoomStateMachine unsynced = new RoomStateMachine(new EventRecorder("room-2", new EventSigner(KEY), other,
                    () -> synced[0], () -> { }), clock, Duration.ofSeconds(60));
            unsynced.boot("power_on", null);
            synced[0] = true;
            unsynced.staffOpen("T01");

            assertThat(other.oldest(10)).extracting(e -> e.event().clockSynced()).containsExactly(false, true);
        }
    }

    @Test
    void heartbeatsDueBeforeAnInputAreRecordedFirstWithTheirOwnTimes() {
        room.boot("power_on", null);
        clock.advanceTo(T0.plusSeconds(180)); // heartbeats due at +60, +120, +180
        room.staffOpen("T01");

        List<DeviceEvent> events = recorded();
        assertThat(events).extracting(DeviceEvent::body).containsExactly(new EventBody.Boot("power_on", null),
                new EventBody.Heartbeat(), new EventBody.Heartbeat(), new EventBody.Heartbeat(),
                new EventBody.StaffOpen("T01"));
        assertThat(events).extracting(DeviceEvent::at).containsExactly(T0, T0.plusSeconds(60), T0.plusSeconds(120),
                T0.plusSeconds(180), T0.plusSeconds(180));
    }

    @Test
    void heartbeatsKeepTheBootPhase() {
        clock.advanceTo(T0.plusMillis(500));
        room.boot("power_on", null);
        assertThat(room.advanceTo(T0.plusSeconds(60))).isZero(); // due at +60.5 s
        assertThat(room.advanceTo(T0.plusSeconds(150))).isEqualTo(2);
        assertThat(room.nextHeartbeatDue()).isEqualTo(T0.plusMillis(180_500));

        assertThat(recorded()).extracting(DeviceEvent::at)
                .containsExactly(T0.plusMillis(500), T0.plusMillis(60_500), T0.plusMillis(120_500));
    }

    @Test
    void aFailedWriteChangesNoState() {
        room.boot("power_on", null);
        outbox.close();

        assertThatThrownBy(() -> room.staffOpen("T01")).hasMessageContaining("closed");
        assertThat(room.state().open()).isFalse();
    }

    @Test
    void inputsBeforeBootAreRefused() {
        assertThatThrownBy(() -> room.staffOpen("T01")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not booted");
        assertThat(outbox.depth()).isZero();
    }
}

package cn.xinan.device.room;

import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.outbox.OutboxFullException;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.EventSigner;
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
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A device cut off for long fills its outbox: heartbeats are thinned first, every other event is kept, and the
 * sequence stays without holes (docs/device.md, "A full outbox, a full disk"). On a simulated clock.
 */
class EventRecorderLimitsTest {
    private static final Instant T0 = Instant.parse("2025-03-03T00:00:00Z");
    private static final Ed25519Keys.PrivateKey KEY = Ed25519Keys.generate(new SecureRandom());
    private static final Duration SPARSE = Duration.ofMinutes(15);

    @TempDir
    Path dir;
    private final SimulatedClock clock = new SimulatedClock(T0);
    private Outbox outbox;
    private EventRecorder recorder;
    private RoomStateMachine room;

    @BeforeEach
    void build() {
        outbox = Outbox.open(dir.resolve("outbox.db"), "room-1", SynchronousMode.NORMAL);
        recorder = new EventRecorder("room-1", new EventSigner(KEY), outbox, ClockSyncStatus.SYNCED, at -> null,
                e -> { }, new EventRecorder.OutboxLimit(10, SPARSE));
        room = new RoomStateMachine(recorder, clock, Duration.ofSeconds(60));
    }

    @AfterEach
    void close() {
        outbox.close();
    }

    private List<DeviceEvent> pending() {
        return outbox.oldest(100_000).stream().map(SignedEvent::event).toList();
    }

    private void advance(Duration d) {
        clock.advanceTo(clock.instant().plus(d));
        room.advanceTo(clock.instant());
    }

    @Test
    void aFullOutboxRecordsAHeartbeatOnlyEveryFifteenMinutesAndKeepsEveryOtherEvent() {
        room.boot("power_on", null);
        advance(Duration.ofMinutes(9)); // boot + 9 heartbeats = 10: full
        assertThat(outbox.depth()).isEqualTo(10);

        advance(Duration.ofMinutes(40));
        DeviceEvent open = room.staffOpen("T01", clock.instant());
        DeviceEvent checkIn = room.checkIn(Purpose.INDIVIDUAL, null);
        advance(Duration.ofMinutes(80));

        List<DeviceEvent> events = pending();
        assertThat(events).extracting(DeviceEvent::seq)
                .as("no hole in the sequence: a thinned heartbeat gets no number")
                .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).contains(open, checkIn);
        List<Instant> fullHeartbeats = events.stream().skip(10)
                .filter(e -> e.body() instanceof EventBody.Heartbeat).map(DeviceEvent::at).toList();
        // 40 min after the 9th heartbeat: at +15 and +30 (then the open at +40 is a sign of life), 80 min more
        assertThat(fullHeartbeats).hasSize(2 + 5);
        for (int i = 1; i < fullHeartbeats.size(); i++) {
            assertThat(Duration.between(fullHeartbeats.get(i - 1), fullHeartbeats.get(i))).isGreaterThanOrEqualTo(SPARSE);
        }
        assertThat(recorder.heartbeatsThinned()).isEqualTo(40 + 80 - 7);
    }

    @Test
    void onceACollectorAcknowledgesTheBacklogHeartbeatsAreRecordedEveryMinuteAgain() {
        room.boot("power_on", null);
        advance(Duration.ofMinutes(30));
        long before = recorder.heartbeatsThinned();
        assertThat(before).isPositive();

        outbox.deleteThrough(outbox.lastSeq());
        advance(Duration.ofMinutes(5));

        assertThat(recorder.heartbeatsThinned()).isEqualTo(before);
        assertThat(pending()).hasSize(5).allMatch(e -> e.body() instanceof EventBody.Heartbeat);
    }

    @Test
    void aFullDiskSkipsHeartbeatsButRefusesAnInputLoudlyAndLeavesTheStateAsItWas() {
        room.boot("power_on", null);
        outbox.limitPages(1); // never below the file's size: no page more for anything
        assertThatThrownBy(() -> {
            for (int i = 0; i < 10_000; i++) {
                room.checkIn(null, null);
            }
        }).isInstanceOf(OutboxFullException.class).hasMessageContaining("full");
        long last = outbox.lastSeq();
        RoomState state = room.state();

        assertThatThrownBy(() -> room.staffOpen("T01", clock.instant())).isInstanceOf(OutboxFullException.class);
        assertThat(room.state()).isEqualTo(state);
        advance(Duration.ofMinutes(30));
        // the outbox is over its limit too: the heartbeats within 15 min of the last event are thinned, the
        // others would be recorded but find no room
        assertThat(recorder.heartbeatsThinned()).isEqualTo(14);
        assertThat(recorder.heartbeatsSkippedDiskFull()).isEqualTo(16);
        assertThat(outbox.lastSeq()).isEqualTo(last);

        outbox.limitPages(1_000_000); // room again
        DeviceEvent open = room.staffOpen("T01", clock.instant());
        assertThat(open.seq()).isEqualTo(last + 1);
        assertThat(room.state().open()).isTrue();
    }
}

package cn.xinan.device;

import cn.xinan.device.clock.ClockWatch;
import cn.xinan.device.config.ClockSettings;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.outbox.Outbox;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.testing.ManualClock;
import cn.xinan.wire.SignatureVerifier;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Pi without a battery clock: it boots with a wrong time (the last shutdown's, restored by
 * fake-hwclock), records while NTP has not synchronised, and then the clock steps. Events recorded
 * before the sync are held back and re-timed with the monotonic clock; the jump is reported.
 */
class TimeWithoutAClockTest {
    /** Monday 2025-03-03 08:00 in Asia/Shanghai: the true time at boot. */
    private static final Instant TRUE_BOOT = Instant.parse("2025-03-03T00:00:00Z");
    /** What the Pi believes at boot: Sunday evening, when it was last shut down. */
    private static final Instant WRONG_BOOT = Instant.parse("2025-03-02T10:00:00Z");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(WRONG_BOOT);
    private final AtomicBoolean synced = new AtomicBoolean(false);
    private DeviceConfig config;
    private RoomDevice device;

    @BeforeEach
    void config() throws Exception {
        config = Fixtures.config("pi-1", Fixtures.deadBrokerUrl(), dir)
                .withClockSettings(new ClockSettings(dir.resolve("synchronized"), Duration.ofMinutes(2), Duration.ofHours(6)));
    }

    @AfterEach
    void off() {
        if (device != null) {
            device.powerOff();
        }
    }

    private RoomDevice boot() {
        device = RoomDevice.simulated(config, clock, clock::monotonicMillis, synced::get);
        device.boot("power_on");
        return device;
    }

    private List<SignedEvent> pending() {
        device.powerOff();
        return Fixtures.pending(config);
    }

    private List<SignedEvent> publishable() {
        device.powerOff();
        try (Outbox outbox = Outbox.open(config.outboxPath(), config.deviceId(), SynchronousMode.NORMAL)) {
            return outbox.oldest(1_000);
        }
    }

    @Test
    void eventsRecordedBeforeTheSyncAreHeldBackThenReTimedSignedAndReleased() {
        boot();
        clock.advance(Duration.ofMinutes(3));
        device.advanceTo(clock.instant());
        device.staffOpen("T01");
        assertThat(device.health()).containsEntry("clockSynced", false).containsEntry("heldEvents", 5L);

        // NTP succeeds 4 minutes after boot: the wall clock steps from Sunday to the true time.
        clock.advance(Duration.ofMinutes(1));
        clock.set(TRUE_BOOT.plus(Duration.ofMinutes(4)));
        synced.set(true);
        device.advanceTo(clock.instant());
        device.staffClose("T01");
        assertThat(device.health()).containsEntry("clockSynced", true).containsEntry("heldEvents", 0L);
        assertThat(((ClockWatch.Jump) device.health().get("lastClockJump")).detectedAt()).isEqualTo(TRUE_BOOT.plus(Duration.ofMinutes(4)));

        List<SignedEvent> events = pending();
        assertThat(events).extracting(s -> s.event().seq()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(events).allSatisfy(s -> assertThat(s.event().clockSynced()).isTrue());
        assertThat(events).extracting(s -> s.event().body(), s -> s.event().at()).containsExactly(
                org.assertj.core.groups.Tuple.tuple(new EventBody.Boot("power_on", null), TRUE_BOOT),
                org.assertj.core.groups.Tuple.tuple(new EventBody.Heartbeat(), TRUE_BOOT.plusSeconds(60)),
                org.assertj.core.groups.Tuple.tuple(new EventBody.Heartbeat(), TRUE_BOOT.plusSeconds(120)),
                org.assertj.core.groups.Tuple.tuple(new EventBody.Heartbeat(), TRUE_BOOT.plusSeconds(180)),
                org.assertj.core.groups.Tuple.tuple(new EventBody.StaffOpen("T01"), TRUE_BOOT.plusSeconds(180)),
                // no burst of a day's heartbeats after the jump: the schedule moved with the clock
                org.assertj.core.groups.Tuple.tuple(new EventBody.Heartbeat(), TRUE_BOOT.plusSeconds(240)),
                org.assertj.core.groups.Tuple.tuple(new EventBody.StaffClose("T01"), TRUE_BOOT.plusSeconds(240)));
        assertThat(events).allSatisfy(s -> assertThat(SignatureVerifier.verifyEvent(s, Fixtures.KEY.publicKey())).isTrue());
    }

    @Test
    void nothingRecordedBeforeTheSyncIsPublishableUntilThen() {
        boot();
        clock.advance(Duration.ofMinutes(2));
        device.advanceTo(clock.instant());
        assertThat(device.outboxDepth()).isEqualTo(3);
        assertThat(publishable()).isEmpty();
    }

    @Test
    void aLaterRunReleasesAnEarlierRunsUnsyncedEventsAsTheyAre() {
        boot();
        clock.advance(Duration.ofMinutes(1));
        device.advanceTo(clock.instant());
        device.powerOff();

        ManualClock rebooted = new ManualClock(WRONG_BOOT.plusSeconds(600)); // monotonic restarts at 0
        device = RoomDevice.simulated(config, rebooted, rebooted::monotonicMillis, synced::get);
        device.boot("power_on");
        List<SignedEvent> out = publishable();
        assertThat(out).extracting(s -> s.event().seq()).containsExactly(1L, 2L); // the new boot (seq 3) is held
        assertThat(out).allSatisfy(s -> assertThat(s.event().clockSynced()).isFalse());
    }

    @Test
    void eventsHeldLongerThanTheLimitAreSentFlaggedUnsynchronised() {
        config = config.withClockSettings(new ClockSettings(dir.resolve("synchronized"), Duration.ofMinutes(2),
                Duration.ofMinutes(30)));
        boot();
        clock.advance(Duration.ofMinutes(29));
        device.advanceTo(clock.instant());
        clock.advance(Duration.ofMinutes(1));
        device.advanceTo(clock.instant());
        List<SignedEvent> out = publishable();
        assertThat(out).hasSize(1); // the boot event, 30 minutes old; the heartbeats after it wait on
        assertThat(out.get(0).event().kind().toString()).isEqualToIgnoringCase("boot");
        assertThat(out.get(0).event().clockSynced()).isFalse();
    }

    @Test
    void aClockSetBackWhileSynchronisedIsReportedAndHeartbeatsKeepTheirPace() {
        synced.set(true);
        clock.set(TRUE_BOOT);
        boot();
        clock.advance(Duration.ofMinutes(2));
        device.advanceTo(clock.instant());
        clock.set(TRUE_BOOT.minus(Duration.ofHours(1)));
        clock.advance(Duration.ofMinutes(1));
        device.advanceTo(clock.instant());
        assertThat(((ClockWatch.Jump) device.health().get("lastClockJump")).size()).isEqualTo(Duration.parse("PT-1H-2M"));
        List<DeviceEvent> events = pending().stream().map(SignedEvent::event).toList();
        assertThat(events).filteredOn(e -> e.body() instanceof EventBody.Heartbeat).hasSize(3);
    }
}

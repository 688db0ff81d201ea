package cn.xinan.device;

import cn.xinan.device.config.ClockSettings;
import cn.xinan.device.config.DeliverySettings;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.testing.ManualClock;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.DeviceHealth;
import cn.xinan.wire.DeviceStatus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The device's health reaches the broker in its signed status (docs/mqtt-contract.md, "Status schema 2"): right after
 * connecting, then every {@code status.interval} on the device clock, with the sensor, clock and outbox figures.
 */
class HealthInTheStatusTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    /** Monday 2025-03-03 08:00 in Asia/Shanghai, as an unsynchronised Pi might believe it or not. */
    private static final Instant BOOT = Instant.parse("2025-03-03T00:00:00Z");

    @TempDir
    Path dir;
    private final ManualClock clock = new ManualClock(BOOT);
    private final AtomicBoolean synced = new AtomicBoolean(false);
    private MosquittoServer broker;
    private EventSubscriber subscriber;
    private RoomDevice device;

    @BeforeEach
    void start() throws Exception {
        broker = MosquittoServer.startAnonymous();
        subscriber = EventSubscriber.silent(broker.url()); // no collector: nothing is acknowledged
    }

    @AfterEach
    void stop() throws Exception {
        if (device != null) {
            device.powerOff();
        }
        subscriber.close();
        broker.close();
    }

    private void boot() {
        DeviceConfig config = Fixtures.config("room-1", broker.url(), dir)
                .withClockSettings(new ClockSettings(dir.resolve("synchronized"), Duration.ofMinutes(2), Duration.ofHours(6)))
                .withDelivery(new DeliverySettings(DeliverySettings.DEFAULT_ACK_TIMEOUT,
                        DeliverySettings.DEFAULT_OUTBOX_MAX_EVENTS, DeliverySettings.DEFAULT_FULL_HEARTBEAT_INTERVAL,
                        Duration.ofMinutes(5)));
        device = RoomDevice.simulated(config, clock, clock::monotonicMillis, synced::get);
        device.boot("power_on");
    }

    private DeviceHealth awaitHealth(java.util.function.Predicate<DeviceHealth> what) {
        await().atMost(PATIENCE).until(() -> {
            DeviceStatus s = subscriber.lastStatus();
            return s != null && s.online() && s.health() != null && what.test(s.health());
        });
        return subscriber.lastStatus().health();
    }

    @Test
    void theStatusCarriesTheSensorClockAndOutboxFiguresAndIsSentAgainEveryInterval() {
        boot();
        device.staffOpen("T01");
        DeviceHealth atConnect = awaitHealth(h -> true);
        assertThat(atConnect.clockSynced()).isFalse();
        assertThat(subscriber.lastStatus().schema()).isEqualTo(2);

        clock.advance(Duration.ofMinutes(4)); // before the interval: no new status
        device.advanceTo(clock.instant());
        clock.advance(Duration.ofMinutes(2));
        device.advanceTo(clock.instant()); // 6 minutes after boot: the status is due

        DeviceHealth h = awaitHealth(x -> x.clockUnsyncedSeconds() == 360);
        assertThat(h.sensorUnchangedOpenSeconds()).isEqualTo(360);
        assertThat(h.sensorError()).isFalse();
        assertThat(h.clockSynced()).isFalse();
        assertThat(h.outboxDepth()).as("boot, open and 6 heartbeats, held while the clock is unsynchronised")
                .isEqualTo(8);
        assertThat(h.outboxOldestSeconds()).isEqualTo(360);
        assertThat(subscriber.lastStatus().at()).isEqualTo(BOOT.plus(Duration.ofMinutes(6)));
    }

    @Test
    void aSynchronisedClockReportsZeroUnsyncedAndTheLastWillCarriesNoHealth() {
        synced.set(true);
        boot();
        DeviceHealth h = awaitHealth(x -> true);
        assertThat(h.clockSynced()).isTrue();
        assertThat(h.clockUnsyncedSeconds()).isZero();
        assertThat(h.sensorUnchangedOpenSeconds()).as("the room is closed").isZero();

        device.powerOff(); // the broker publishes the will
        device = null;
        await().atMost(PATIENCE).until(() -> !subscriber.lastStatus().online());
        assertThat(subscriber.lastStatus().health()).isNull();
        assertThat(subscriber.lastStatus().schema()).isEqualTo(1);
    }
}

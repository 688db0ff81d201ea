package cn.xinan.launcher.ack;

import cn.xinan.collector.Collector;
import cn.xinan.collector.store.QuarantineReason;
import cn.xinan.collector.store.QuarantinedMessage;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.device.RoomDevice;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.testing.InfluxServer;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Point;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A verified event that the collector quarantines instead of storing must not stall the device's acknowledgement
 * (docs/mqtt-contract.md, "Acknowledgement and resend"): against a real Mosquitto 2, a registered device records good
 * events, then one the collector quarantines, then good ones again. The acknowledgement passes the quarantined one, the
 * device's outbox empties, no gap is left (so health stays UP: a stall needs a gap), every good event is stored, and the
 * quarantine list shows the quarantined event with its reason and the device's count of quarantined seqs.
 */
class QuarantinedEventsAreAcknowledgedTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String DEVICE = OneDeviceOnMosquitto.DEVICE;
    private static final String ROOM = OneDeviceOnMosquitto.ROOM;
    private static final Instant DEVICE_START = Instant.parse("2025-03-03T01:00:00Z");

    @TempDir
    Path dir;
    private OneDeviceOnMosquitto rig;
    private InfluxServer influx;
    private RoomDevice device;
    private Collector collector;
    private final SimulatedClock clock = new SimulatedClock(DEVICE_START);
    /** The collector's clock: 2025-03-03T02:00 as the test starts, moved only by the test. */
    private final ShiftableClock collectorClock = new ShiftableClock(DEVICE_START.plus(Duration.ofHours(1)));

    @BeforeEach
    void start() {
        rig = new OneDeviceOnMosquitto(dir, clock);
        device = rig.device;
    }

    @AfterEach
    void stop() {
        if (collector != null) {
            collector.close();
        }
        rig.close();
        if (influx != null) {
            influx.close();
        }
    }

    private void startCollector(StoreSettings store) {
        collector = rig.collector(store, collectorClock).start();
        assertThat(collector.awaitSubscribed(PATIENCE)).as("collector subscribed").isTrue();
    }

    /** Records {@code n} events one simulated second apart (no heartbeat falls due); returns their ids. */
    private List<String> record(int n, Supplier<DeviceEvent> next) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clock.advanceTo(clock.instant().plusSeconds(1));
            ids.add(next.get().eventId());
        }
        return ids;
    }

    private DeviceEvent staff(int i) {
        return i % 2 == 0 ? device.staffOpen("T01") : device.staffClose("T01");
    }

    private void awaitAcknowledgedThrough(long seq) {
        await().atMost(PATIENCE).until(() -> device.acknowledgedThrough() >= seq && device.outboxDepth() == 0);
    }

    private List<String> storedIds() {
        return collector.store().eventsForRoom(ROOM, Instant.parse("2025-03-01T00:00:00Z"), Instant.parse("2025-03-10T00:00:00Z"))
                .stream().map(StoredEvent::eventId).collect(Collectors.toList());
    }

    /** The acknowledgement passes the event, nothing is left missing, health is UP, the quarantine shows it. */
    private void assertHandledNotStored(List<String> good, String quarantinedId, long lastSeq, QuarantineReason reason)
            throws IOException, InterruptedException {
        assertThat(device.outboxDepth()).as("the device's outbox").isZero();
        assertThat(device.acknowledgedThrough()).isEqualTo(lastSeq);
        assertThat(storedIds()).containsExactlyInAnyOrderElementsOf(good).doesNotContain(quarantinedId);
        assertThat(collector.acknowledgements()).singleElement().satisfies(p -> {
            assertThat(p.through()).isEqualTo(lastSeq);
            assertThat(p.gaps()).as("a gap would stall the acknowledgement and turn health DOWN").isEmpty();
        });
        String base = "http://127.0.0.1:" + collector.httpPort();
        try (HttpClient http = HttpClient.newHttpClient()) {
            int status = http.send(HttpRequest.newBuilder(URI.create(base + "/observe/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
            assertThat(status).as("health (UP is 200 or 204)").isIn(200, 204);
            HttpResponse<String> devices = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/devices"))
                    .header("Authorization", "Bearer " + collector.internalToken()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(devices.statusCode()).isEqualTo(200);
            assertThat(devices.body().replace(" ", "")).as("the operator sees the device's quarantined seqs")
                    .contains("\"acknowledgedThrough\":" + lastSeq, "\"gaps\":[]", "\"quarantinedSeqs\":1",
                            "\"devicesWithQuarantinedSeqs\":1");
        }
        List<QuarantinedMessage> quarantined = collector.store().recentQuarantine(10);
        assertThat(quarantined).singleElement().satisfies(q -> {
            assertThat(q.reason()).isEqualTo(reason);
            assertThat(q.deviceId()).isEqualTo(DEVICE);
            assertThat(q.detail()).contains(quarantinedId);
            assertThat(new String(q.payload(), StandardCharsets.UTF_8)).contains(quarantinedId);
        });
        assertThat(collector.store().quarantinedSeqCounts()).isEqualTo(Map.of(DEVICE, 1L));
    }

    /**
     * A synchronised device time the collector finds implausible (more than the allowed skew after its own clock), in
     * the middle of good events: quarantined as implausible_time, acknowledged, and the events after it too.
     */
    @Test
    void anEventWithAnImplausibleTimeInTheMiddleIsAcknowledgedAndQuarantined() throws Exception {
        startCollector(new StoreSettings.Sqlite(dir.resolve("events.db")));
        List<String> good = new ArrayList<>();
        good.add(device.boot("power_on").eventId());
        good.addAll(record(9, () -> staff(good.size())));
        awaitAcknowledgedThrough(10);

        // the collector's clock now reads a day earlier: the next event's time lies far in its future
        collectorClock.set(DEVICE_START.minus(Duration.ofDays(1)));
        String implausible = record(1, () -> device.checkIn(Purpose.INDIVIDUAL, Stage.JUNIOR)).get(0);
        awaitAcknowledgedThrough(11);
        collectorClock.set(DEVICE_START.plus(Duration.ofHours(1)));
        good.addAll(record(9, () -> staff(good.size())));
        awaitAcknowledgedThrough(20);

        assertHandledNotStored(good, implausible, 20, QuarantineReason.IMPLAUSIBLE_TIME);
    }

    /**
     * InfluxDB refuses an event as data (its {@code purpose} field was once written as an integer in this shard: a
     * field type conflict, which no retry can fix), in the middle of good events: quarantined as store_refused,
     * acknowledged, and the events after it too.
     */
    @Test
    void anEventTheStoreRefusesInTheMiddleIsAcknowledgedAndQuarantined() throws Exception {
        influx = InfluxServer.startServer();
        startCollector(new StoreSettings.Influx(influx.url(), "xinan", "xinan", "INF", null, null));
        try (InfluxDB client = InfluxDBFactory.connect(influx.url())) {
            client.write("xinan", "xinan", Point.measurement("events").time(DEVICE_START.toEpochMilli(), TimeUnit.MILLISECONDS)
                    .tag("room", "elsewhere").tag("device", "elsewhere").tag("kind", "checkin")
                    .addField("purpose", 1L).build());
        }
        List<String> good = new ArrayList<>();
        good.add(device.boot("power_on").eventId());
        good.addAll(record(9, () -> staff(good.size())));
        awaitAcknowledgedThrough(10);

        String refused = record(1, () -> device.checkIn(Purpose.INDIVIDUAL, Stage.JUNIOR)).get(0);
        good.addAll(record(9, () -> staff(good.size())));
        awaitAcknowledgedThrough(20);

        assertHandledNotStored(good, refused, 20, QuarantineReason.STORE_REFUSED);
    }

    /** A clock at a fixed instant plus the real time elapsed since, which the test may set again. */
    private static final class ShiftableClock extends Clock {
        private volatile Instant base;
        private volatile long baseNanos;

        ShiftableClock(Instant start) {
            set(start);
        }

        void set(Instant now) {
            base = now;
            baseNanos = System.nanoTime();
        }

        @Override
        public Instant instant() {
            return base.plusNanos(System.nanoTime() - baseNanos);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            if (!ZoneOffset.UTC.equals(zone)) {
                throw new IllegalArgumentException("the collector's clock is UTC, not " + zone);
            }
            return this;
        }
    }
}

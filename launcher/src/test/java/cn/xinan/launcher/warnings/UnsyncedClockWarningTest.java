package cn.xinan.launcher.warnings;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.HttpSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.warnings.WarningKind;
import cn.xinan.collector.warnings.WarningScope;
import cn.xinan.collector.warnings.WarningSettings;
import cn.xinan.collector.warnings.WebhookFormat;
import cn.xinan.collector.warnings.WebhookTarget;
import cn.xinan.device.RoomDevice;
import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.outbox.SynchronousMode;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.testing.ManualClock;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.Ed25519Keys;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end through a real Mosquitto: the real firmware on a Pi whose clock never synchronises reports it in its
 * signed status, the collector reads it from the broker and warns the county's IT operators exactly once, over a real
 * HTTP webhook, and shows the device's health in {@code GET /api/v1/devices} (docs/warnings.md, "Device health").
 */
class UnsyncedClockWarningTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEVICE = "jm-db-001-r1-d1";
    private static final String ROOM = "jm-db-001-r1";
    /** Wednesday 2025-03-12 10:00 in Asia/Shanghai: a school day, within the posted opening hours. */
    private static final Instant COLLECTOR_NOW = Instant.parse("2025-03-12T02:00:00Z");

    @TempDir
    Path dir;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private HttpServer itRobot;
    private MosquittoServer broker;
    private Collector collector;
    private RoomDevice device;

    @AfterEach
    void stop() {
        if (device != null) {
            device.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (itRobot != null) {
            itRobot.stop(0);
        }
    }

    @Test
    void aDeviceWhoseClockNeverSynchronisesLeadsToExactlyOneWarningForTheItOperators() throws Exception {
        itRobot = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        itRobot.createContext("/hook", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            byte[] ok = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, ok.length);
            exchange.getResponseBody().write(ok);
            exchange.close();
        });
        itRobot.start();
        broker = MosquittoServer.startAnonymous();
        Ed25519Keys.PrivateKey key = Ed25519Keys.generate(new SecureRandom());
        new Registry(List.of(new RoomRecord("东宝区", "jm-db-001", ROOM, Tier.QUALIFIED, "东宝实验小学心理辅导室")),
                List.of(new DeviceRecord(DEVICE, ROOM, key.publicKey()))).save(dir.resolve("registry"));
        WebhookTarget it = new WebhookTarget("county-it", WarningScope.parse("county:东宝区"), WebhookFormat.JSON,
                URI.create("http://127.0.0.1:" + itRobot.getAddress().getPort() + "/hook"), Optional.empty(),
                Set.of(WarningKind.DEVICE_SILENT, WarningKind.SENSOR_STUCK, WarningKind.CLOCK_UNSYNCED,
                        WarningKind.OUTBOX_BACKLOG));
        WarningSettings d = WarningSettings.defaults();
        WarningSettings warnings = new WarningSettings(Duration.ofMillis(200), d.openingHours(), Map.of(),
                d.dayCheckpointLead(), d.deviceSilentAfter(), d.usualSchoolDays(), Optional.empty(), Optional.empty(),
                d.initialBackoff(), d.maxBackoff(), d.maxAttempts(), "http://xinan.example/", List.of(it));
        CollectorConfig config = new CollectorConfig(new HttpSettings("127.0.0.1", 0), dir.resolve("registry"),
                CalendarSources.bureau(Optional.empty()), RuleSettings.defaults(), MqttSettings.anonymous(broker.url()),
                new StoreSettings.Sqlite(dir.resolve("events.db")), IngestSettings.defaults(), Optional.empty())
                .withWarnings(Optional.of(warnings));
        collector = new Collector(config, Clock.fixed(COLLECTOR_NOW, ZoneOffset.UTC)).start();
        assertThat(collector.awaitSubscribed(PATIENCE)).isTrue();

        // the Pi's wall clock (wrong: it never synchronises) and its monotonic clock, moved together by the test
        ManualClock pi = new ManualClock(Instant.parse("2025-03-09T13:00:00Z"));
        device = RoomDevice.simulated(DeviceConfig.of(DEVICE, key, broker.url(), "", dir.resolve("outbox.db"))
                        .withOutboxSynchronous(SynchronousMode.NORMAL)
                        .withReconnectDelays(Duration.ofMillis(50), Duration.ofMillis(500)),
                pi, pi::monotonicMillis, () -> false);
        device.boot("power_on");
        await().atMost(PATIENCE).until(() -> health().path("clockSynced").isBoolean());
        assertThat(health().path("clockSynced").asBoolean()).isFalse();
        assertThat(received).as("unsynchronised for 0 minutes so far").isEmpty();

        pi.advance(Duration.ofMinutes(31)); // NTP never answers; the next status is due after 5 minutes
        device.advanceTo(pi.instant());

        await().atMost(PATIENCE).until(() -> received.size() == 1);
        JsonNode warning = JSON.readTree(received.get(0));
        assertThat(warning.path("kind").asText()).isEqualTo("clock_unsynced");
        assertThat(warning.path("room").asText()).isEqualTo(ROOM);
        assertThat(warning.path("title").asText()).isEqualTo("【心安提醒】设备时钟未同步｜东宝实验小学心理辅导室");
        assertThat(warning.path("text").asText()).startsWith(
                "东宝实验小学心理辅导室：设备 " + DEVICE + " 的时钟已 31 分钟未与网络时间同步。");
        assertThat(health().path("clockUnsyncedSeconds").asLong()).isEqualTo(31 * 60);
        assertThat(health().path("outboxDepth").asLong()).as("boot and 31 heartbeats, held").isEqualTo(32);

        // five minutes later the device reports again; the open warning follows the figures and is not sent again
        pi.advance(Duration.ofMinutes(5));
        device.advanceTo(pi.instant());
        await().atMost(PATIENCE).until(() -> collector.warnings().orElseThrow().warnings().stream()
                .anyMatch(w -> w.text().contains("36 分钟")));
        assertThat(collector.warnings().orElseThrow().warnings())
                .filteredOn(w -> w.kind().aboutDevice()).singleElement()
                .satisfies(w -> assertThat(w.id()).isEqualTo(ROOM + "/clock_unsynced/2025-03-12#1"));
        assertThat(received).hasSize(1);
    }

    /** The device's health as {@code GET /api/v1/devices} shows it. */
    private JsonNode health() throws Exception {
        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + collector.httpPort() + "/api/v1/devices"))
                .header("Authorization", "Bearer " + collector.internalToken()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return JSON.readTree(res.body()).path("devices").path(0).path("health");
    }
}

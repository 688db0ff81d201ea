package cn.xinan.launcher.provision;

import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.CollectorConfigFile;
import cn.xinan.collector.figures.FiguresSettings;
import cn.xinan.collector.figures.FiguresWriter;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.store.influx.InfluxEventStore;
import cn.xinan.collector.store.influx.InfluxFigures;
import cn.xinan.collector.verdict.DerivedResults;
import cn.xinan.collector.verdict.VerdictService;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.launcher.Xinan;
import cn.xinan.provisioning.DeviceRecord;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.rules.calendar.NationalCalendar;
import cn.xinan.rules.calendar.SchoolCalendar;
import cn.xinan.testing.InfluxServer;
import cn.xinan.wire.Ed25519Keys;
import cn.xinan.wire.EventSigner;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code xinan provision influxdb --apply} on a real InfluxDB 1.x with authentication on, then the collector with the
 * generated password and its configuration's defaults: the signed events go to the raw retention policy (kept for the
 * audit period), the day summaries and the dashboards' figures to the derived one (kept longer), and Grafana's
 * read-only user reads both and can write to neither.
 */
class ProvisionedInfluxDbTest {
    /** Tuesday 2026-03-03, 10:00 in Jingmen: inside the raw policy's 1095 days. */
    private static final LocalDate DAY = LocalDate.of(2026, 3, 3);
    private static final Instant NOW = DAY.atTime(LocalTime.of(18, 0)).atZone(RulesEngine.ZONE).toInstant();

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private record Answer(int status, String body) {
    }

    private static Answer http(String url, String user, String password, String body) throws Exception {
        try (HttpClient client = HttpClient.newHttpClient()) {
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (user + ":" + password).getBytes(StandardCharsets.UTF_8)));
            if (url.contains("/query")) {
                req.header("Content-Type", "application/x-www-form-urlencoded");
            }
            HttpResponse<String> res = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(res.statusCode(), res.body());
        }
    }

    /** {@code count(field)} of a measurement in a retention policy, as {@code user} reads it; 0 when there is none. */
    private static long count(InfluxServer influx, String user, String password, String rp, String measurement,
                              String field) throws Exception {
        Answer a = http(influx.url() + "/query?db=xinan", user, password, "q=" + URLEncoder.encode(
                "SELECT count(\"" + field + "\") FROM \"" + rp + "\".\"" + measurement + "\"", StandardCharsets.UTF_8));
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        JsonNode result = JSON.readTree(a.body()).path("results").get(0);
        assertThat(result.has("error")).as(a.body()).isFalse();
        JsonNode series = result.path("series");
        return series.isMissingNode() ? 0 : series.get(0).path("values").get(0).get(1).asLong();
    }

    @Test
    void theCollectorWritesEventsToTheRawPolicyAndFiguresToTheDerivedOneWhichGrafanaReadsButCannotWrite()
            throws Exception {
        Path district = dir.resolve("district");
        Files.writeString(dir.resolve("admin.password"), "admin-secret\n");
        try (InfluxServer influx = InfluxServer.startWithAuth()) {
            CommandLine cli = Xinan.commandLine();
            StringWriter err = new StringWriter();
            cli.setErr(new PrintWriter(err));
            assertThat(cli.execute("provision", "influxdb", "-d", district.toString(), "--influxdb-url", influx.url(),
                    "--apply", "--admin-password-file", dir.resolve("admin.password").toString())).as(err.toString()).isZero();
            String collectorPassword = Files.readString(district.resolve("secrets/influxdb-collector.password")).strip();
            String grafanaPassword = Files.readString(district.resolve("secrets/influxdb-grafana.password")).strip();
            assertThat(Files.readString(district.resolve("registry/audit.jsonl")))
                    .contains("\"action\":\"influxdb-apply\",\"outcome\":\"success\",\"url\":\"" + influx.url() + "\"",
                            "\"rawPolicy\":\"xinan 1095d\"", "\"derivedPolicy\":\"xinan_derived INF\"",
                            "raw retention policy xinan created, duration 1095d",
                            "derived retention policy xinan_derived created, duration INF")
                    .doesNotContain(collectorPassword, grafanaPassword, "admin-secret");

            // the collector as configured by an IT person: URL, user and password only, the policies by default
            Files.writeString(dir.resolve("collector.yaml"), """
                    registry:
                      dir: registry
                    mqtt:
                      url: tcp://127.0.0.1:1883
                    store:
                      type: influxdb
                      influxdb:
                        url: %s
                        username: xinan-collector
                        password: %s
                    """.formatted(influx.url(), collectorPassword));
            CollectorConfig config = CollectorConfigFile.read(dir.resolve("collector.yaml"));
            StoreSettings.Influx settings = (StoreSettings.Influx) config.store();
            assertThat(settings.retentionPolicy()).isEqualTo("xinan");
            assertThat(settings.derivedRetentionPolicy()).isEqualTo("xinan_derived");

            Ed25519Keys.PrivateKey key = Ed25519Keys.generate(new SecureRandom());
            EventSigner signer = new EventSigner(key);
            Registry registry = new Registry(List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.QUALIFIED, "心理辅导室")),
                    List.of(new DeviceRecord("pi-1", "r1", key.publicKey())));
            List<StoredEvent> events = new ArrayList<>();
            long seq = 0;
            Instant open = DAY.atTime(LocalTime.of(12, 0)).atZone(RulesEngine.ZONE).toInstant();
            events.add(new StoredEvent(signer.sign(new DeviceEvent(UUID.randomUUID().toString(), "pi-1", ++seq, open, true,
                    new EventBody.StaffOpen("T01"))), "r1", NOW));
            for (int m = 1; m <= 90; m++) {
                events.add(new StoredEvent(signer.sign(new DeviceEvent(UUID.randomUUID().toString(), "pi-1", ++seq,
                        open.plusSeconds(60L * m), true, new EventBody.Heartbeat())), "r1", NOW));
            }
            events.add(new StoredEvent(signer.sign(new DeviceEvent(UUID.randomUUID().toString(), "pi-1", ++seq,
                    open.plusSeconds(5400), true, new EventBody.StaffClose("T01"))), "r1", NOW));
            try (InfluxEventStore store = (InfluxEventStore) settings.open()) {
                store.append(events);
                DerivedResults derived = new DerivedResults(store, RuleSettings.defaults());
                derived.refresh(List.of());
                VerdictService verdicts = new VerdictService(store, registry, RuleSettings.defaults(),
                        SchoolCalendar.of(NationalCalendar.bundled()));
                new FiguresWriter(verdicts, registry, new InfluxFigures(store), new FiguresSettings(300, 0),
                        Clock.fixed(NOW, ZoneOffset.UTC)).runOnce();
            }

            String u = "xinan-grafana";
            String p = grafanaPassword;
            assertThat(count(influx, u, p, "xinan", "events", "seq")).isEqualTo(92);
            assertThat(count(influx, u, p, "xinan", "day_summary", "openMs")).isZero();
            assertThat(count(influx, u, p, "xinan", "room_day", "verdict")).isZero();
            assertThat(count(influx, u, p, "xinan", "rooms", "one")).isZero();
            assertThat(count(influx, u, p, "xinan_derived", "events", "seq")).isZero();
            assertThat(count(influx, u, p, "xinan_derived", "day_summary", "openMs")).isPositive();
            assertThat(count(influx, u, p, "xinan_derived", "room_day", "verdict")).isPositive();
            assertThat(count(influx, u, p, "xinan_derived", "room_week", "verdict")).isEqualTo(1);
            assertThat(count(influx, u, p, "xinan_derived", "rooms", "one")).isEqualTo(1);

            long t = NOW.toEpochMilli() * 1_000_000L;
            for (String rp : List.of("xinan", "xinan_derived")) {
                assertThat(http(influx.url() + "/write?db=xinan&rp=" + rp, u, p,
                        "room_day,room=r1 met=1i " + t).status()).as("Grafana writing to " + rp).isEqualTo(403);
            }
            assertThat(http(influx.url() + "/query?db=xinan", u, p,
                    "q=" + URLEncoder.encode("DROP RETENTION POLICY \"xinan_derived\" ON \"xinan\"", StandardCharsets.UTF_8))
                    .body()).contains("error");
            assertThat(count(influx, u, p, "xinan_derived", "rooms", "one")).isEqualTo(1);
        }
    }
}

package cn.xinan.collector;

import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.testkit.Accounts;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.TestPublisher;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.rules.RoomReport;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.rules.Verdict;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** A whole collector over real sockets: Mosquitto in, HTTP out, health and metrics. */
class CollectorTest {
    @TempDir
    Path dir;

    @Test
    void eventsPublishedByADeviceBecomeVerdictsHealthAndMetricsOverHttp() throws Exception {
        TestDevice device = new TestDevice("dev-1", "r1");
        new Registry(List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "心理辅导室")),
                List.of(device.record())).save(dir.resolve("registry"));
        String token = Accounts.cityAdmin().save(dir.resolve("registry")).token("city");
        List<SignedEvent> events = WorkedExample.events(device);
        try (MosquittoServer broker = MosquittoServer.startAnonymous()) {
            CollectorConfig config = new CollectorConfig(new HttpSettings("127.0.0.1", 0), dir.resolve("registry"),
                    CalendarSources.bureau(Optional.empty()), RuleSettings.defaults(), MqttSettings.anonymous(broker.url()),
                    new StoreSettings.Sqlite(dir.resolve("events.db")), IngestSettings.defaults(), Optional.empty());
            // a segment of a day past the evidence retention (1,095 days by default), deleted at the start
            java.nio.file.Path evidence = dir.resolve(cn.xinan.collector.audit.AuditSettings.EVIDENCE_DIR_NAME);
            cn.xinan.collector.audit.EvidenceSegment.of("r1", java.time.LocalDate.of(2020, 1, 6), List.of()).write(evidence);
            java.nio.file.Path expired = cn.xinan.collector.audit.EvidenceSegment.file(evidence, "r1",
                    java.time.LocalDate.of(2020, 1, 6));
            assertThat(expired).isRegularFile();
            try (Collector collector = new Collector(config).start();
                 TestPublisher publisher = new TestPublisher(broker.url())) {
                assertThat(collector.mqttConnected()).isTrue();
                assertThat(collector.figures()).as("the SQLite store gets no derived figures").isEmpty();
                for (int i = 0; i < events.size(); i += 100) {
                    publisher.publish("dev-1/events", device.payload(events.subList(i, Math.min(events.size(), i + 100))));
                }

                assertThat(collector.awaitStoredEvents(events.size(), Duration.ofSeconds(60))).isTrue();

                assertThat(collector.storedEventCount()).isEqualTo(events.size());
                RoomReport report = collector.verdicts().room("r1", WorkedExample.DAY, WorkedExample.DAY);
                assertThat(report.days().get(0).attendedSeconds()).isEqualTo(6600);
                assertThat(report.days().get(0).verdict()).isEqualTo(Verdict.MET);
                // the derivation wrote the day's evidence segment beside the collector key, holding every event of the day
                java.util.Optional<cn.xinan.collector.audit.EvidenceSegment> segment = cn.xinan.collector.audit.EvidenceSegment
                        .read(dir.resolve(cn.xinan.collector.audit.AuditSettings.EVIDENCE_DIR_NAME), "r1", WorkedExample.DAY);
                assertThat(segment).isPresent();
                assertThat(segment.get().key().stream().mapToLong(cn.xinan.collector.store.SeqDay::events).sum())
                        .isEqualTo(events.size());
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !java.nio.file.Files.exists(expired));

                String base = "http://127.0.0.1:" + collector.httpPort();
                HttpResponse<String> verdicts = get(base + "/api/v1/rooms/r1/verdicts?from=2025-03-03&to=2025-03-03", token);
                assertThat(verdicts.statusCode()).isEqualTo(200);
                assertThat(verdicts.body()).contains("\"attendedSeconds\":6600", "\"verdict\":\"MET\"");

                HttpResponse<String> health = get(base + "/observe/health", null);
                assertThat(health.statusCode()).as("UP, without details: health is open to anybody").isIn(200, 204);
                assertThat(health.body()).doesNotContain("sqlite");

                HttpResponse<String> metrics = get(base + "/observe/metrics", token);
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).containsPattern("xinan_ingest_events_stored(_total)?(\\{[^}]*\\})? " + events.size());
                assertThat(metrics.body()).contains("xinan_ingest_quarantined");

                broker.kill();
                awaitHealth(base, 503);
            }
        }
    }

    private static HttpResponse<String> awaitHealth(String base, int status) {
        HttpResponse<String>[] last = new HttpResponse[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
            last[0] = get(base + "/observe/health", null);
            return last[0].statusCode() == status;
        });
        return last[0];
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "*/*");
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}

package cn.xinan.collector.warnings;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.HttpSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.testkit.Accounts;
import cn.xinan.collector.testkit.HeadlessChromium;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.TestPublisher;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.Tier;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.SignedEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Warnings in a running collector: with every robot failing, events are still stored, the week-risk warning is
 * raised and listed by the API (and the web UI) with its failed attempt, and waits for its next one.
 */
class WarningsInTheCollectorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyRobotDownStoresEveryEventAndTheWarningWaitsListedByTheApi() throws Exception {
        TestDevice device = new TestDevice("dev-1", "r1");
        new Registry(List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "心理辅导室"),
                new RoomRecord("掇刀区", "jm-dd-001", "r9", Tier.QUALIFIED, "掇刀区的辅导室")),
                List.of(device.record())).save(dir.resolve("registry"));
        Accounts accounts = new Accounts().add("zhang.wei", Role.SCHOOL_ADMIN, Scope.school("jm-db-001"))
                .add("duodao", Role.COUNTY_ADMIN, Scope.county("掇刀区")).save(dir.resolve("registry"));
        List<SignedEvent> events = WorkedExample.events(device);
        // Monday evening of the worked example: 1.8 h this week, 4 more days at the daily hour cannot reach 10 h
        Clock evening = Clock.fixed(WorkedExample.DAY.atTime(20, 0).atZone(WarningFixture.ZONE).toInstant(), ZoneOffset.UTC);
        try (MosquittoServer broker = MosquittoServer.startAnonymous();
             RobotSink failing = new RobotSink(new RobotSink.Answer(500, "down"))) {
            WarningSettings warnings = new WarningSettings(Duration.ofMillis(200), WarningSettings.defaults().openingHours(),
                    java.util.Map.of(), Duration.ofHours(1), Duration.ofMinutes(15), 10, Optional.empty(), Optional.empty(),
                    Duration.ofMinutes(1), Duration.ofHours(1), 12, "http://xinan.example/", List.of(
                    WarningFixture.target("down", WebhookFormat.WECOM, failing.url("/send?key=k"), null),
                    WarningFixture.target("nowhere", WebhookFormat.JSON, "http://127.0.0.1:9/", null)));
            CollectorConfig config = new CollectorConfig(new HttpSettings("127.0.0.1", 0), dir.resolve("registry"),
                    CalendarSources.bureau(Optional.empty()), RuleSettings.defaults(), MqttSettings.anonymous(broker.url()),
                    new StoreSettings.Sqlite(dir.resolve("events.db")), IngestSettings.defaults(), Optional.empty())
                    .withWarnings(Optional.of(warnings));
            try (Collector collector = new Collector(config, evening).start();
                 TestPublisher publisher = new TestPublisher(broker.url())) {
                for (int i = 0; i < events.size(); i += 100) {
                    publisher.publish("dev-1/events", device.payload(events.subList(i, Math.min(events.size(), i + 100))));
                }
                assertThat(collector.awaitStoredEvents(events.size(), Duration.ofSeconds(60))).isTrue();

                String url = "http://127.0.0.1:" + collector.httpPort() + "/api/v1/warnings?state=open";
                String token = accounts.token("zhang.wei");
                JsonNode[] listed = new JsonNode[1];
                // the warning may be raised while the day summaries still catch up with the stored events (derived
                // every 2 s); its text follows the latest figures, so wait for the whole day's 1.8 h
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    listed[0] = JSON.readTree(get(url, token).body());
                    JsonNode w = listed[0].path("warnings").path(0);
                    return w.path("kind").asText().equals("week_at_risk")
                            && w.path("deliveries").size() == 2
                            && w.path("deliveries").path(0).path("attempts").asInt() == 1
                            && w.path("deliveries").path(1).path("attempts").asInt() == 1
                            && w.path("text").asText().contains("已累计 1.8 小时");
                });
                JsonNode w = listed[0].path("warnings").path(0);
                assertThat(w.path("room").asText()).isEqualTo("r1");
                assertThat(w.path("state").asText()).isEqualTo("open");
                assertThat(w.path("link").asText()).isEqualTo("http://xinan.example/#room=r1");
                assertThat(w.path("text").asText()).contains("本周（2025-W10）已累计 1.8 小时");
                assertThat(w.path("deliveries").path(0).path("state").asText()).isEqualTo("pending");
                assertThat(w.path("deliveries").path(0).path("lastError").asText()).contains("HTTP 500");
                assertThat(listed[0].toString()).doesNotContain("key=k").doesNotContain("127.0.0.1:9");
                assertThat(collector.storedEventCount()).isEqualTo(events.size());

                assertThat(get(url.replace("state=open", "state=maybe"), token).statusCode()).isEqualTo(400);
                assertThat(get(url, "").statusCode()).as("signed out").isEqualTo(401);
                // the rooms of another county are none of this county admin's business (docs/security.md)
                JsonNode other = JSON.readTree(get(url, accounts.token("duodao")).body());
                assertThat(other.path("warnings")).isNotEmpty().allSatisfy(x -> assertThat(x.path("room").asText()).isEqualTo("r9"));
                assertThat(other.toString()).doesNotContain("\"r1\"").doesNotContain("jm-db-001");

                assertTheWebUiListsTheOpenWarning("http://127.0.0.1:" + collector.httpPort() + "/?week=" + WorkedExample.DAY);
            }
        }
    }

    private void assertTheWebUiListsTheOpenWarning(String page) throws Exception {
        try (HeadlessChromium chromium = new HeadlessChromium("xinan-warnings-ui", 1280, 900)) {
            ChromeDriver browser = chromium.driver();
            browser.get(page);
            new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.getCurrentUrl().contains("/signin"));
            browser.findElement(By.id("user")).sendKeys("zhang.wei");
            browser.findElement(By.id("password")).sendKeys(Accounts.PASSWORD);
            browser.findElement(By.id("signin")).click();
            WebElement item = new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> d.findElements(
                    By.cssSelector("#warnings li.week_at_risk")).stream().findFirst().orElse(null));
            assertThat(item.getText()).contains("本周难以达标 · 心理辅导室", "本周（2025-W10）已累计 1.8 小时", "down 待发送");
            Path shot = Path.of("target", "screenshots", "webui-warnings.png");
            Files.createDirectories(shot.getParent());
            Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), shot, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
            if (!token.isEmpty()) {
                request.header("Authorization", "Bearer " + token);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }
}

package cn.xinan.collector.web;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web UI in a real browser (Debian's Chromium, headless) against a whole collector that stored
 * the docs/rules.md §8 worked example through a real Mosquitto, signed in through the sign-in page as a school admin.
 * Screenshots go to target/screenshots/.
 */
class WebUiBrowserTest {
    private static MosquittoServer broker;
    private static Collector collector;
    private static ChromeDriver browser;
    private static HeadlessChromium chromium;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startCollectorAndBrowser() throws Exception {
        broker = MosquittoServer.startAnonymous();
        TestDevice device = new TestDevice("dev-1", "r1");
        new Registry(List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "东宝实验小学心理辅导室")),
                List.of(device.record())).save(dir.resolve("registry"));
        new Accounts().add("zhang.wei", Role.SCHOOL_ADMIN, Scope.school("jm-db-001")).save(dir.resolve("registry"));
        CollectorConfig config = new CollectorConfig(new HttpSettings("127.0.0.1", 0), dir.resolve("registry"),
                CalendarSources.bureau(Optional.empty()), RuleSettings.defaults(), MqttSettings.anonymous(broker.url()),
                new StoreSettings.Sqlite(dir.resolve("events.db")), IngestSettings.defaults(), Optional.empty());
        collector = new Collector(config).start();
        List<SignedEvent> events = WorkedExample.events(device);
        try (TestPublisher publisher = new TestPublisher(broker.url())) {
            for (int i = 0; i < events.size(); i += 100) {
                publisher.publish("dev-1/events", device.payload(events.subList(i, Math.min(events.size(), i + 100))));
            }
        }
        assertThat(collector.awaitStoredEvents(events.size(), Duration.ofSeconds(60))).isTrue();

        chromium = new HeadlessChromium("xinan-webui-chromium", 1400, 800);
        browser = chromium.driver();
    }

    @AfterAll
    static void stop() throws IOException {
        if (chromium != null) {
            chromium.close();
        }
        if (collector != null) {
            collector.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static String base() {
        return "http://127.0.0.1:" + collector.httpPort();
    }

    /** Opens {@code path} signed out: the UI sends the browser to the sign-in page, which returns it there. */
    private static void signInAt(String path, String user, String password) {
        browser.manage().deleteAllCookies();
        browser.get(base() + path);
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains("/signin"));
        browser.executeScript("localStorage.clear()"); // the UI remembers English: each test starts in Chinese
        browser.findElement(By.id("user")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("signin")).click();
    }

    private WebElement roomRow() {
        signInAt("/?week=" + WorkedExample.DAY, "zhang.wei", Accounts.PASSWORD);
        return new WebDriverWait(browser, Duration.ofSeconds(20))
                .until(d -> d.findElements(By.cssSelector("tr[data-room='r1']")).stream().findFirst().orElse(null));
    }

    @Test
    void theWeekOfTheWorkedExampleShowsTheDayMetAndTheWeekNotMet() throws IOException {
        WebElement row = roomRow();
        List<WebElement> days = row.findElements(By.cssSelector("td.day .v"));
        assertThat(days).hasSize(7);
        assertThat(days.get(0).getText()).isEqualTo("1.8"); // 6,600 s attended on Monday 2025-03-03
        assertThat(days.get(0).getAttribute("class")).contains("MET").doesNotContain("NOT_MET");
        assertThat(days.get(1).getAttribute("class")).contains("NO_DATA"); // the device was silent on Tuesday
        assertThat(days.get(5).getAttribute("class")).contains("NOT_REQUIRED");
        assertThat(row.getText()).contains("东宝实验小学心理辅导室", "示范", "1.8 / 10.0 小时", "未达标");
        assertThat(browser.findElement(By.id("card-weeks")).getText()).contains("0% (0/1)");
        assertThat(browser.findElement(By.id("card-days")).getText()).contains("20% (1/5)");
        screenshot("webui-week-zh");
    }

    @Test
    void theEnglishSwitchTranslatesTheTable() throws IOException {
        roomRow();
        browser.findElement(By.id("lang")).click();
        WebElement row = browser.findElement(By.cssSelector("tr[data-room='r1']"));
        assertThat(row.getText()).contains("demonstration", "1.8 of 10.0 h", "not met");
        assertThat(browser.findElement(By.id("head")).getText()).contains("Room", "Mon 03-03");
        screenshot("webui-week-en");
    }

    @Test
    void signedOutTheUiOpensTheSignInPageInChineseWithAnEnglishSwitch() throws IOException {
        browser.manage().deleteAllCookies();
        browser.get(base() + "/?week=" + WorkedExample.DAY);
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains("/signin"));

        assertThat(browser.findElement(By.tagName("h1")).getText()).contains("心安", "登录");
        assertThat(browser.findElement(By.tagName("form")).getText()).contains("用户名", "密码");
        screenshot("signin-zh");
        browser.findElement(By.id("lang")).click();
        assertThat(browser.findElement(By.tagName("form")).getText()).contains("User name", "Password");
        screenshot("signin-en");
    }

    @Test
    void aWrongPasswordIsRefusedOnThePageWithoutSayingWhichPartWasWrong() throws IOException {
        signInAt("/", "zhang.wei", "not-the-password-1");

        // the answer page comes after the password check (Argon2id, about a second on a busy machine)
        WebElement error = new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.findElements(By.id("signin-error"))
                .stream().filter(e -> !e.getText().isEmpty()).findFirst().orElse(null));
        assertThat(error.getText()).isEqualTo("用户名或密码错误。");
        assertThat(browser.manage().getCookieNamed("xinan_session")).isNull();
        screenshot("signin-wrong-password");
    }

    @Test
    void signedInThePageShowsWhoAndSigningOutEndsTheSession() throws IOException {
        roomRow();
        assertThat(browser.findElement(By.id("who")).getText()).isEqualTo("zhang.wei · 学校管理员 · jm-db-001");
        assertThat(browser.manage().getCookieNamed("xinan_session").isHttpOnly()).isTrue();
        assertThat(browser.manage().getCookieNamed("xinan_session").getSameSite()).isEqualTo("Strict");
        screenshot("webui-signed-in");

        browser.findElement(By.id("signout")).click();
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> d.getCurrentUrl().contains("/signin"));
        screenshot("webui-signed-out");
        browser.get(base() + "/");
        assertThat(browser.getCurrentUrl()).as("the session is over: back to sign-in").contains("/signin?next=");
    }

    private static void screenshot(String name) throws IOException {
        Path target = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
    }
}

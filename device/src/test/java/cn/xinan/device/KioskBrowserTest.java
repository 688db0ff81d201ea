package cn.xinan.device;

import cn.xinan.device.config.DeviceConfig;
import cn.xinan.device.config.KioskSettings;
import cn.xinan.device.config.StaffSettings;
import cn.xinan.device.sim.SimulatedClock;
import cn.xinan.device.staff.PinHash;
import cn.xinan.device.staff.StaffAccess.StaffPin;
import cn.xinan.event.DeviceEvent;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.testing.MosquittoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;

import static cn.xinan.device.Fixtures.MONDAY_0750;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The kiosk in a real browser: Debian's Chromium, headless at the screen's 800×480, driven through
 * Debian's chromedriver against the firmware in simulated mode (mock GPIO, simulated clock), with a
 * real Mosquitto behind it. Screenshots go to {@code target/kiosk-screenshots/}.
 */
class KioskBrowserTest {
    private static final Path SCREENSHOTS = Path.of("target", "kiosk-screenshots");
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    private static final String PIN = "2468";
    private static MosquittoServer broker;
    private static ChromeDriverService service;
    private static ChromeDriver browser;
    private static Path profile;

    @TempDir
    Path dir;
    private final SimulatedClock clock = new SimulatedClock(MONDAY_0750.plusSeconds(600)); // Monday 08:00
    private EventSubscriber subscriber;
    private RoomDevice device;
    private String testName;

    @BeforeAll
    static void startBrowserAndBroker() throws IOException {
        broker = MosquittoServer.startAnonymous();
        profile = Files.createTempDirectory("xinan-kiosk-chromium");
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver"))
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary("/usr/bin/chromium");
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--window-size=800,480", "--lang=zh-CN");
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().implicitlyWait(Duration.ZERO);
        // the 7" screen exactly: a window size would include the browser's own frame
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                java.util.Map.of("width", 800, "height", 480, "deviceScaleFactor", 1, "mobile", false));
    }

    @AfterAll
    static void stopBrowserAndBroker() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (broker != null) {
            broker.close();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void start(TestInfo info) throws Exception {
        testName = info.getTestMethod().orElseThrow().getName();
        subscriber = new EventSubscriber(broker.url());
    }

    @AfterEach
    void stop() throws Exception {
        if (device != null) {
            device.close();
        }
        subscriber.close();
    }

    private DeviceConfig config(Duration idleTimeout) {
        PinHash hash = PinHash.of(PIN, PinHash.MIN_ITERATIONS, new SecureRandom());
        String id = "kiosk-" + testName.toLowerCase().replaceAll("[^a-z0-9]", "");
        return Fixtures.config(id.substring(0, Math.min(id.length(), 40)), broker.url(), dir)
                .withKiosk(new KioskSettings("东宝区一中 心理辅导室", "周一至周五 12:00-13:00, 16:30-17:30", 0, idleTimeout))
                .withStaff(StaffSettings.NONE.withPins(List.of(new StaffPin("T01", hash))));
    }

    private void open(DeviceConfig config) {
        open(config, false);
    }

    /** Boots the device (opened by staff T01 first when {@code roomOpen}) and loads the kiosk page. */
    private void open(DeviceConfig config, boolean roomOpen) {
        device = RoomDevice.simulated(config, clock);
        device.boot("power_on");
        if (roomOpen) {
            device.staffOpen("T01");
        }
        browser.get(device.startKiosk().toString());
        await().atMost(PATIENCE).until(() -> text("room").equals("东宝区一中 心理辅导室"));
        try {
            screenshot("opened-page");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private WebElement el(String id) {
        return browser.findElement(By.id(id));
    }

    private String text(String id) {
        return el(id).getText();
    }

    private String screen() {
        return browser.findElement(By.tagName("body")).getAttribute("data-screen");
    }

    private void awaitScreen(String screen) {
        await().atMost(PATIENCE).until(() -> screen.equals(screen()));
    }

    private void screenshot(String step) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File png = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SCREENSHOTS.resolve(testName + "-" + step + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private String healthValue(String key) {
        return browser.findElement(By.cssSelector("#health tr[data-key='" + key + "'] td:nth-child(2)")).getText();
    }

    private void enterPin(String pin) {
        for (char c : pin.toCharArray()) {
            browser.findElement(By.cssSelector("[data-digit='" + c + "']")).click();
        }
        el("pin-ok").click();
    }

    /** The events the broker delivered for this test's device. */
    private List<EventBody> delivered() {
        return subscriber.batches().stream().filter(b -> b.deviceId().equals(device.deviceId()))
                .flatMap(b -> b.events().stream()).map(s -> s.event().body()).toList();
    }

    @Test
    void theStartScreenShowsRoomStateHoursAndProgressFromTheRulesEngine() throws IOException {
        open(config(Duration.ofSeconds(30)));
        assertThat(text("state")).isEqualTo("未开放");
        assertThat(text("hours")).isEqualTo("开放时间：周一至周五 12:00-13:00, 16:30-17:30");
        assertThat(text("today-text")).isEqualTo("0 分钟 / 1 小时 0 分钟");
        assertThat(text("week-text")).isEqualTo("0 分钟 / 10 小时 0 分钟");
        screenshot("closed");

        device.staffOpen("T01");
        device.presence(true);
        device.advanceTo(MONDAY_0750.plusSeconds(600 + 45 * 60)); // 08:45: staffed for 45 minutes
        browser.navigate().refresh();
        await().atMost(PATIENCE).until(() -> text("today-text").equals("45 分钟 / 1 小时 0 分钟"));
        assertThat(text("state")).isEqualTo("开放中");
        assertThat(text("week-text")).isEqualTo("45 分钟 / 10 小时 0 分钟");
        screenshot("open-45min");
    }

    @Test
    void aStudentChecksInWithOneTapAndOptionalChoicesAndNothingElse() throws IOException {
        open(config(Duration.ofSeconds(30)), true);
        assertThat(browser.findElements(By.cssSelector("input, textarea, select, [contenteditable]"))).isEmpty();
        el("checkin").click();
        awaitScreen("details");
        browser.findElement(By.cssSelector("[data-purpose='relaxation']")).click();
        browser.findElement(By.cssSelector("[data-stage='junior']")).click();
        screenshot("details");
        el("checkin-done").click();
        awaitScreen("thanks");
        assertThat(browser.findElement(By.cssSelector("#thanks .thanks")).getText()).isEqualTo("签到成功，欢迎你！");
        assertThat(text("thanks-hint")).isEqualTo("老师马上就来。");
        screenshot("thanks");

        await().atMost(PATIENCE).until(() -> delivered().contains(new EventBody.CheckIn(Purpose.RELAXATION, Stage.JUNIOR)));
        awaitScreen("start"); // the confirmation goes back to the start screen by itself
    }

    @Test
    void staffOpenAndCloseTheRoomWithTheirPinAndSeeDeviceHealth() throws IOException {
        open(config(Duration.ofSeconds(30)));
        device.presence(true); // 08:00, then 3 h 25 min 10 s of running
        device.advanceTo(clock.instant().plus(Duration.ofSeconds(3 * 3600 + 25 * 60 + 10)));
        el("staff").click();
        awaitScreen("pin");
        enterPin(PIN);
        awaitScreen("staffpanel");
        el("staff-open").click();
        await().atMost(PATIENCE).until(() -> text("staff-msg").equals("已开放"));
        // what the counselor must still do, on the same calendar and settings as the collector's warnings
        await().atMost(PATIENCE).until(() -> text("todo").equals("今天还差 1.0 小时；本周还差 10.0 小时，剩余 5 个学校日"));
        await().atMost(PATIENCE).until(() -> browser.findElements(By.cssSelector("#health tr[data-key='outboxDepth']")).size() == 1);
        String health = text("health");
        assertThat(health).contains("网络", "待发送事件", "时钟同步", "上次感应变化", "磁盘剩余 (MB)", "CPU 温度 (°C)", "固件版本");
        // local time (Asia/Shanghai) and durations in words, never a raw ISO instant or a count of seconds
        assertThat(healthValue("lastPresenceChange")).isEqualTo("2025-03-03 08:00:00");
        assertThat(healthValue("uptime")).isEqualTo("3 小时 25 分钟");
        assertThat(health).doesNotContainPattern("\\d{4}-\\d\\d-\\d\\dT|\\dZ|PT\\d");
        el("lang").click();
        await().atMost(PATIENCE).until(() -> healthValue("uptime").equals("3 h 25 min"));
        assertThat(text("staff-msg")).isEqualTo("Room opened");
        assertThat(text("todo")).isEqualTo("Today: 1.0 h still needed; This week: 10.0 h still needed, 5 school days left");
        screenshot("opened-english");
        el("lang").click();
        screenshot("opened");
        assertThat(device.state().open()).isTrue();
        await().atMost(PATIENCE).until(() -> delivered().contains(new EventBody.StaffOpen("T01")));

        el("staff-close").click();
        await().atMost(PATIENCE).until(() -> text("staff-msg").equals("已关闭"));
        assertThat(device.state().open()).isFalse();
        await().atMost(PATIENCE).until(() -> delivered().contains(new EventBody.StaffClose("T01")));
        await().atMost(PATIENCE).until(() -> device.outboxDepth() == 0);
        screenshot("closed");
    }

    @Test
    void fiveWrongPinsLockStaffModeEvenForTheRightPin() throws IOException {
        open(config(Duration.ofSeconds(30)));
        el("staff").click();
        awaitScreen("pin");
        for (int left = 4; left >= 1; left--) {
            enterPin("1111");
            String expected = "密码错误，还可尝试 " + left + " 次";
            await().atMost(PATIENCE).until(() -> text("pin-msg").equals(expected));
        }
        enterPin("1111");
        await().atMost(PATIENCE).until(() -> text("pin-msg").matches("尝试次数过多，请 (300|299) 秒后再试"));
        // it counts down (on the screen; the device's clock decides) and follows the language switch
        await().atMost(PATIENCE).until(() -> text("pin-msg").matches("尝试次数过多，请 29[0-8] 秒后再试"));
        el("lang").click();
        await().atMost(PATIENCE).until(() -> text("pin-msg").matches("Too many tries: wait 29\\d s"));
        screenshot("locked-english");
        el("lang").click();
        await().atMost(PATIENCE).until(() -> text("pin-msg").startsWith("尝试次数过多"));
        enterPin(PIN);
        await().atMost(PATIENCE).until(() -> text("pin-msg").matches("尝试次数过多，请 (300|299) 秒后再试"));
        assertThat(screen()).isEqualTo("pin");
        screenshot("locked");

        clock.advanceTo(clock.instant().plus(Duration.ofMinutes(5))); // the device's clock decides the lockout
        enterPin(PIN);
        awaitScreen("staffpanel");
        assertThat(delivered()).noneMatch(b -> b instanceof EventBody.StaffOpen);
    }

    @Test
    void anIdleScreenGoesBackToTheStartScreenInChinese() throws IOException {
        open(config(Duration.ofSeconds(2)));
        el("lang").click();
        el("staff").click();
        awaitScreen("pin");
        assertThat(text("pin-back")).isEqualTo("Back");
        screenshot("pin-english");
        awaitScreen("start");
        await().atMost(PATIENCE).until(() -> text("staff").equals("工作人员"));
        assertThat(text("lang")).isEqualTo("English");
        screenshot("back-to-start");
    }

    @Test
    void anIdleCheckInIsStillRecordedOnce() {
        open(config(Duration.ofSeconds(2)), true);
        el("checkin").click();
        awaitScreen("details");
        awaitScreen("start");
        await().atMost(PATIENCE).until(() -> delivered().contains(new EventBody.CheckIn(null, null)));
        assertThat(delivered()).filteredOn(b -> b instanceof EventBody.CheckIn).hasSize(1);
    }

    @Test
    void theLanguageSwitchesToEnglishAndBack() throws IOException {
        open(config(Duration.ofSeconds(30)), true);
        el("lang").click();
        await().atMost(PATIENCE).until(() -> text("checkin").equals("Check in"));
        assertThat(text("state")).isEqualTo("Open");
        assertThat(text("lang")).isEqualTo("中文");
        assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("en");
        screenshot("english");
        el("lang").click();
        await().atMost(PATIENCE).until(() -> text("checkin").equals("签到"));
    }

    @Test
    void checkInIsOfferedOnlyWhileTheRoomIsOpenAndPromisesATeacherOnlyThen() throws IOException {
        open(config(Duration.ofSeconds(30)));
        assertThat(el("checkin").isDisplayed()).isFalse();
        assertThat(text("closed-hint")).isEqualTo("辅导室现在未开放，开放时间见上方。");
        screenshot("closed");

        device.staffOpen("T01");
        browser.navigate().refresh();
        await().atMost(PATIENCE).until(() -> el("checkin").isDisplayed());
        assertThat(el("closed-hint").isDisplayed()).isFalse();
        el("checkin").click();
        awaitScreen("details");
        device.staffClose("T01"); // closed while the student chooses: still recorded, but nobody is coming
        el("checkin-done").click();
        awaitScreen("thanks");
        assertThat(text("thanks-hint")).isEmpty();
        await().atMost(PATIENCE).until(() -> delivered().contains(new EventBody.CheckIn(null, null)));
    }

    /**
     * Every screen in both languages at 800×480, with a screenshot each
     * ({@code target/kiosk-screenshots/everyScreen…-SCREEN-LANG.png}): every visible button lies inside the
     * viewport and no screen's content overflows it (nothing is cut off).
     */
    @Test
    void everyScreenFitsTheSevenInchScreenInBothLanguages() throws IOException {
        open(config(Duration.ofSeconds(30)));
        device.presence(true);
        device.advanceTo(clock.instant().plus(Duration.ofMinutes(50)));
        for (String lang : List.of("zh", "en")) {
            browser.navigate().refresh();
            await().atMost(PATIENCE).until(() -> text("state").equals("未开放"));
            chooseLanguage(lang);
            checkScreen("start", "start-closed", lang);

            el("staff").click();
            awaitScreen("pin");
            enterPin("1111");
            await().atMost(PATIENCE).until(() -> !text("pin-msg").isEmpty());
            checkScreen("pin", "pin", lang);
            enterPin(PIN);
            awaitScreen("staffpanel");
            el("staff-open").click();
            await().atMost(PATIENCE).until(() -> !text("staff-msg").isEmpty()
                    && browser.findElements(By.cssSelector("#health tr")).size() >= 10);
            checkScreen("staffpanel", "staff", lang);
            el("staff-exit").click();
            awaitScreen("start");
            await().atMost(PATIENCE).until(() -> el("checkin").isDisplayed());
            chooseLanguage(lang);
            checkScreen("start", "start-open", lang);

            el("checkin").click();
            awaitScreen("details");
            browser.findElement(By.cssSelector("[data-purpose='appointment']")).click();
            browser.findElement(By.cssSelector("[data-stage='senior']")).click();
            checkScreen("details", "details", lang);
            el("checkin-done").click();
            awaitScreen("thanks");
            await().atMost(PATIENCE).until(() -> !text("thanks-hint").isEmpty());
            checkScreen("thanks", "thanks", lang);
            awaitScreen("start");
            device.staffClose("T01");
        }
    }

    private void chooseLanguage(String lang) {
        String expected = lang.equals("zh") ? "zh-CN" : "en";
        if (!expected.equals(browser.findElement(By.tagName("html")).getAttribute("lang"))) {
            el("lang").click();
        }
        await().atMost(PATIENCE).until(() -> expected.equals(browser.findElement(By.tagName("html")).getAttribute("lang")));
    }

    /** Asserts that nothing on the active screen is cut off at 800×480, then keeps a screenshot of it. */
    @SuppressWarnings("unchecked")
    private void checkScreen(String screen, String name, String lang) throws IOException {
        assertThat(screen()).isEqualTo(screen);
        List<Object> boxes = (List<Object>) browser.executeScript("""
                var out = [];
                document.querySelectorAll('button').forEach(function (b) {
                  var r = b.getBoundingClientRect(), st = getComputedStyle(b);
                  if (r.width === 0 || r.height === 0 || st.visibility === 'hidden') { return; }
                  out.push({ id: b.id || b.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom,
                             height: r.height });
                });
                return out;""");
        assertThat(boxes).as("visible buttons on %s (%s)", screen, lang).isNotEmpty();
        for (Object o : boxes) {
            java.util.Map<String, Object> b = (java.util.Map<String, Object>) o;
            String what = b.get("id") + " on " + screen + " (" + lang + ")";
            assertThat(((Number) b.get("left")).doubleValue()).as(what + " left").isGreaterThanOrEqualTo(0);
            assertThat(((Number) b.get("top")).doubleValue()).as(what + " top").isGreaterThanOrEqualTo(0);
            assertThat(((Number) b.get("right")).doubleValue()).as(what + " right").isLessThanOrEqualTo(800);
            assertThat(((Number) b.get("bottom")).doubleValue()).as(what + " bottom").isLessThanOrEqualTo(480);
            assertThat(((Number) b.get("height")).doubleValue()).as(what + " height").isGreaterThanOrEqualTo(48);
        }
        java.util.Map<String, Object> overflow = (java.util.Map<String, Object>) browser.executeScript("""
                var s = document.querySelector('.screen.active');
                return { sh: s.scrollHeight, ch: s.clientHeight, sw: s.scrollWidth, cw: s.clientWidth,
                         bottom: s.getBoundingClientRect().bottom };""");
        assertThat(((Number) overflow.get("sh")).intValue()).as(screen + " (" + lang + ") content height")
                .isLessThanOrEqualTo(((Number) overflow.get("ch")).intValue());
        assertThat(((Number) overflow.get("sw")).intValue()).as(screen + " (" + lang + ") content width")
                .isLessThanOrEqualTo(((Number) overflow.get("cw")).intValue());
        assertThat(((Number) overflow.get("bottom")).doubleValue()).as(screen + " bottom").isLessThanOrEqualTo(480);
        screenshot(name + "-" + lang);
    }
}

package cn.xinan.collector.web;

import cn.xinan.collector.CalendarSources;
import cn.xinan.collector.Collector;
import cn.xinan.collector.CollectorConfig;
import cn.xinan.collector.HttpSettings;
import cn.xinan.collector.ingest.IngestSettings;
import cn.xinan.collector.ingest.MqttSettings;
import cn.xinan.collector.store.StoreSettings;
import cn.xinan.collector.store.StoredEvent;
import cn.xinan.collector.testkit.Accounts;
import cn.xinan.collector.testkit.HeadlessChromium;
import cn.xinan.collector.testkit.TestDevice;
import cn.xinan.collector.testkit.WorkedExample;
import cn.xinan.event.EventBody;
import cn.xinan.event.Purpose;
import cn.xinan.event.Stage;
import cn.xinan.provisioning.DeviceHistory;
import cn.xinan.provisioning.Registry;
import cn.xinan.provisioning.RoomRecord;
import cn.xinan.provisioning.SchoolRecord;
import cn.xinan.provisioning.people.Role;
import cn.xinan.provisioning.people.Scope;
import cn.xinan.rules.RuleSettings;
import cn.xinan.rules.RulesEngine;
import cn.xinan.rules.Tier;
import cn.xinan.testing.MosquittoServer;
import cn.xinan.wire.SignedEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The roll-up and room views in a real browser (Debian's Chromium, headless) at a desktop's 1280 px and a phone's
 * 390 px, against a whole collector: two counties, three schools (by name), the docs/rules.md §8 worked example in two
 * rooms on Monday 2025-03-03 and nothing in the third. A city admin signs in on a roll-up URL, drills down county →
 * school → room, finds the term's heatmap drawn with one cell per day, switches to English and reloads: the same view,
 * still in English. An inspector of one county opens the term audit from the navigation and finds every room's weeks as
 * the audit API answers them, with working downloads; an IT operator has no audit link. Screenshots go to
 * target/screenshots/ (webui-rollup-*, webui-room-*, webui-audit-*).
 */
class WebUiViewsBrowserTest {
    private static final String TERM = "p=term&from=2025-02-01&to=2025-07-31";
    private static final int TERM_DAYS = 181;
    private static MosquittoServer broker;
    private static Collector collector;
    private static ChromeDriver browser;
    private static HeadlessChromium chromium;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startCollectorAndBrowser() throws Exception {
        broker = MosquittoServer.startAnonymous();
        TestDevice d1 = new TestDevice("dev-1", "r1");
        TestDevice d2 = new TestDevice("dev-2", "r2");
        TestDevice d3 = new TestDevice("dev-3", "r3");
        new Registry(
                List.of(new SchoolRecord("jm-db-001", "东宝实验小学", "东宝区"), new SchoolRecord("jm-db-002", "东宝二中", "东宝区"),
                        new SchoolRecord("jm-dd-001", "掇刀一中", "掇刀区")),
                List.of(new RoomRecord("东宝区", "jm-db-001", "r1", Tier.DEMONSTRATION, "实验小学心理辅导室"),
                        new RoomRecord("东宝区", "jm-db-002", "r2", Tier.QUALIFIED, "二中心理辅导室"),
                        new RoomRecord("掇刀区", "jm-dd-001", "r3", Tier.UNRATED, "一中心理辅导室")),
                List.of(DeviceHistory.of(d1.record()), DeviceHistory.of(d2.record()), DeviceHistory.of(d3.record())))
                .save(dir.resolve("registry"));
        new Accounts().add("li.city", Role.CITY_ADMIN, Scope.CITY).add("zhao.inspector", Role.INSPECTOR, Scope.county("东宝区"))
                .add("qian.it", Role.IT_OPERATOR, Scope.CITY).save(dir.resolve("registry"));
        CollectorConfig config = new CollectorConfig(new HttpSettings("127.0.0.1", 0), dir.resolve("registry"),
                CalendarSources.bureau(Optional.empty()), RuleSettings.defaults(), MqttSettings.anonymous(broker.url()),
                new StoreSettings.Sqlite(dir.resolve("events.db")), IngestSettings.defaults(), Optional.empty());
        collector = new Collector(config).start();
        // the stored events as ingest would store them (the MQTT path is WebUiBrowserTest's)
        List<SignedEvent> r1 = new ArrayList<>(WorkedExample.events(d1));
        r1.add(d1.event(WorkedExample.DAY.atTime(9, 30).atZone(RulesEngine.ZONE).toInstant(),
                new EventBody.CheckIn(Purpose.RELAXATION, Stage.JUNIOR)));
        Instant received = Instant.parse("2025-03-03T09:00:00Z");
        collector.store().append(r1.stream().map(e -> new StoredEvent(e, "r1", received)).toList());
        // on the room page: an event left out (recorded before the clock was synchronised) and one received two days late
        // that changes no verdict (a vacancy while the room was closed)
        collector.store().append(List.of(new StoredEvent(d1.event(WorkedExample.DAY.atTime(11, 0).atZone(RulesEngine.ZONE)
                        .toInstant(), false, new EventBody.CheckIn(Purpose.GROUP, null)), "r1", received),
                new StoredEvent(d1.event(WorkedExample.DAY.atTime(12, 30).atZone(RulesEngine.ZONE).toInstant(),
                        new EventBody.Presence(false)), "r1", received.plus(java.time.Duration.ofDays(2)))));
        collector.store().append(WorkedExample.events(d2).stream().map(e -> new StoredEvent(e, "r2", received)).toList());

        chromium = new HeadlessChromium("xinan-webui-views-chromium", 1280, 900);
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

    private static WebDriverWait waiting() {
        return new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    private static Object js(String script) {
        return browser.executeScript(script);
    }

    /** Signed out, at {@code path}: to the sign-in page (Chinese, the remembered language forgotten), and back. */
    private static void signInAt(String path, int width) {
        signInAt(path, width, "li.city");
    }

    private static void signInAt(String path, int width, String user) {
        browser.manage().window().setSize(new Dimension(width, 900));
        browser.manage().deleteAllCookies();
        browser.get(base() + path);
        waiting().until(d -> d.getCurrentUrl().contains("/signin"));
        js("localStorage.clear()");
        browser.findElement(By.id("user")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(Accounts.PASSWORD);
        browser.findElement(By.id("signin")).click();
        assertThat(((Number) js("return window.innerWidth")).intValue()).isEqualTo(width);
    }

    private static WebElement row(String tbody, String key) {
        return waiting().until(d -> d.findElements(By.cssSelector(tbody + " tr[data-key='" + key + "']")).stream()
                .findFirst().orElse(null));
    }

    private static void click(WebElement row) {
        row.findElement(By.cssSelector("a.drill")).click();
    }

    /** The page never scrolls sideways: wide content scrolls inside its own box or becomes cards. */
    private static void assertNoHorizontalOverflow(int width) {
        assertThat(((Number) js("return document.documentElement.scrollWidth")).intValue()).as("page width").isLessThanOrEqualTo(width);
    }

    /** Every visible button, link and field is at least 44 px high: a finger can hit it. */
    private static void assertTapTargetsAreLargeEnough() {
        Object small = js("""
                return [...document.querySelectorAll('button, a, input')]
                  .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
                  .map(e => e.tagName + ' ' + (e.id || e.textContent.trim()) + ' ' + e.getBoundingClientRect().height);""");
        assertThat((List<?>) small).as("tap targets under 44 px").isEmpty();
    }

    /** The drill-down from the city to one room, then language and reload, at one window width. */
    private void drillDownAt(int width) throws IOException {
        signInAt("/?view=rollup&" + TERM, width);
        WebElement county = row("#rollup-body", "东宝区");
        assertThat(county.getText()).contains("东宝区", "2", "1 / 1 / 0");
        assertThat(browser.findElement(By.id("target-qualified")).getText()).contains("67% (2/3)", "目标 100%", "✗");
        assertThat(browser.findElement(By.id("target-demonstration")).getText()).contains("33% (1/3)", "目标 20%", "✓");
        assertThat(browser.findElement(By.id("target-days")).getText()).contains("(2/");
        assertNoHorizontalOverflow(width);
        assertTapTargetsAreLargeEnough();
        screenshot("webui-rollup-city-" + width);

        click(county);
        WebElement school = row("#rollup-body", "jm-db-001");
        assertThat(school.getText()).contains("东宝实验小学").doesNotContain("jm-db-001");
        assertThat(row("#rollup-body", "jm-db-002").getText()).contains("东宝二中");
        assertThat(browser.getCurrentUrl()).contains("county=" + URLEncoder.encode("东宝区", StandardCharsets.UTF_8));
        screenshot("webui-rollup-county-" + width);

        click(school);
        WebElement room = row("#rollup-body", "r1");
        assertThat(room.getText()).contains("实验小学心理辅导室", "示范");
        assertNoHorizontalOverflow(width);
        screenshot("webui-rollup-school-" + width);

        click(room);
        waiting().until(d -> !d.findElements(By.cssSelector("#heatmap canvas")).isEmpty());
        assertThat(browser.findElement(By.id("room-title")).getText()).contains("实验小学心理辅导室", "示范");
        assertThat(browser.getCurrentUrl()).contains("view=room", "room=r1", "from=2025-02-01", "to=2025-07-31");
        assertTheHeatmapHasEveryDayOfTheTerm();
        assertThat(browser.findElement(By.id("room-days")).getText()).contains("(1/");
        assertThat(browser.findElement(By.id("room-attended")).getText()).contains("1.8 小时", "开放 2.7", "无人值守 0.8");
        assertThat(browser.findElement(By.id("stages")).getText()).contains("初中 1", "未选 1");
        assertThat(browser.findElement(By.id("device")).getText()).contains("dev-1", "无信号");
        assertThat(browser.findElement(By.id("outage-intervals")).getText())
                .contains("2025-02-01 00:00 – 2025-03-03 07:50（727 小时 50 分）", "2025-03-03 16:00 – 2025-08-01 00:00");
        assertThat(browser.findElement(By.id("event-exceptions")).getText())
                .contains("2025-02-01..2025-07-31 · 未计入的事件", "2025-03-03 · 迟到事件", "结论未因此改变")
                .doesNotContain("改变结论");
        assertNoHorizontalOverflow(width);
        assertTapTargetsAreLargeEnough();
        screenshot("webui-room-" + width);

        browser.findElement(By.id("lang")).click();
        waiting().until(d -> d.findElement(By.cssSelector("h3[data-i18n='heatmapTitle']")).getText().equals("Attended hours per school day"));
        assertThat(browser.findElement(By.id("room-title")).getText()).contains("demonstration");
        String linked = browser.getCurrentUrl();
        browser.navigate().refresh();
        waiting().until(d -> !d.findElements(By.cssSelector("#heatmap canvas")).isEmpty());
        assertThat(browser.getCurrentUrl()).isEqualTo(linked);
        assertThat(browser.findElement(By.cssSelector("h3[data-i18n='heatmapTitle']")).getText())
                .as("the language is remembered").isEqualTo("Attended hours per school day");
        assertTheHeatmapHasEveryDayOfTheTerm();
        assertNoHorizontalOverflow(width);
        screenshot("webui-room-en-" + width);
    }

    private static void assertTheHeatmapHasEveryDayOfTheTerm() {
        waiting().until(d -> js("return echarts.getInstanceByDom(document.getElementById('heatmap')) !== undefined").equals(true));
        Number days = (Number) js("""
                return echarts.getInstanceByDom(document.getElementById('heatmap')).getOption().series
                  .reduce((n, s) => n + s.data.length, 0);""");
        assertThat(days.intValue()).as("one cell per day of the term").isEqualTo(TERM_DAYS);
        Object monday = js("""
                return echarts.getInstanceByDom(document.getElementById('heatmap')).getOption().series[0].data
                  .find(d => d[0] === '2025-03-03');""");
        assertThat(monday.toString()).as("attended 6,600 s on the worked example's Monday").isEqualTo("[2025-03-03, 1.83]");
        Number noData = (Number) js("""
                return echarts.getInstanceByDom(document.getElementById('heatmap')).getOption().series[1].data.length;""");
        Number schoolDays = (Number) js("""
                return echarts.getInstanceByDom(document.getElementById('heatmap')).getOption().series
                  .slice(0, 2).reduce((n, s) => n + s.data.length, 0);""");
        assertThat(noData.intValue()).as("every school day but Monday had no sign of life").isEqualTo(schoolDays.intValue() - 1);
    }

    @Test
    void onADesktopTheCityDrillsDownToARoomAndItsTermHeatmap() throws IOException {
        drillDownAt(1280);
    }

    @Test
    void onAPhoneTheSameViewsFitWithoutSidewaysScrolling() throws IOException {
        drillDownAt(390);
    }

    @Test
    void aLinkedRollUpOpensWithItsPeriodCountyAndTierFilter() throws IOException {
        String county = URLEncoder.encode("东宝区", StandardCharsets.UTF_8);
        String demonstration = URLEncoder.encode("示范", StandardCharsets.UTF_8);
        signInAt("/?view=rollup&" + TERM + "&county=" + county + "&tier=" + demonstration, 390);
        WebElement school = row("#rollup-body", "jm-db-001");
        assertThat(school.getText()).contains("东宝实验小学");
        assertThat(browser.findElement(By.cssSelector("button.chip[data-tier='示范']")).getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(browser.findElement(By.id("target-rooms")).getText()).contains("1/2");
        assertThat(browser.findElement(By.cssSelector("button.preset[data-period='term']")).getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(browser.findElement(By.id("rollup-period-from")).getAttribute("value")).isEqualTo("2025-02-01");
        screenshot("webui-rollup-linked-390");

        browser.findElement(By.cssSelector("button.chip[data-tier='all']")).click();
        waiting().until(d -> d.findElement(By.id("target-rooms")).getText().startsWith("2"));
        assertThat(browser.getCurrentUrl()).doesNotContain("tier=");
        browser.findElement(By.cssSelector("button.preset[data-period='month']")).click();
        waiting().until(d -> d.getCurrentUrl().contains("to=2025-02-28"));
        assertThat(browser.getCurrentUrl()).contains("p=month", "from=2025-02-01", "county=" + county);
        browser.navigate().back();
        waiting().until(d -> d.getCurrentUrl().contains("to=2025-07-31"));
    }

    @Test
    void theWeekOfEveryRoomFitsAPhoneWithItsGridScrollingInItsOwnBox() throws IOException {
        signInAt("/?week=" + WorkedExample.DAY, 390);
        waiting().until(d -> !d.findElements(By.cssSelector("tr[data-room='r1'] td.day")).isEmpty());
        assertNoHorizontalOverflow(390);
        assertThat(((Number) js("return document.querySelector('.scroll').scrollWidth")).intValue())
                .as("the grid is wider than the phone and scrolls in its box").isGreaterThan(390);
        assertTapTargetsAreLargeEnough();
        screenshot("webui-week-390");
        browser.findElement(By.cssSelector("tr[data-room='r1'] a.roomlink")).click();
        waiting().until(d -> !d.findElements(By.cssSelector("#heatmap canvas")).isEmpty());
        assertThat(browser.getCurrentUrl()).contains("view=room", "room=r1", "p=week", "from=2025-03-03", "to=2025-03-09");
        Number days = (Number) js("""
                return echarts.getInstanceByDom(document.getElementById('heatmap')).getOption().series
                  .reduce((n, s) => n + s.data.length, 0);""");
        assertThat(days.intValue()).isEqualTo(7);
        screenshot("webui-room-week-390");
    }

    @Test
    void aWarningsLinkToARoomOpensThatRoomsPageThroughTheSignIn() {
        signInAt("/#room=r2", 1280);
        waiting().until(d -> !d.findElements(By.cssSelector("#heatmap canvas")).isEmpty());
        assertThat(browser.getCurrentUrl()).contains("view=room", "room=r2");
        assertThat(browser.findElement(By.id("room-title")).getText()).contains("二中心理辅导室", "合格");
    }

    /** What the browser, signed in, gets at {@code path}: status, content type and for JSON the parsed body. */
    private static java.util.Map<?, ?> fetchInBrowser(String path) {
        return (java.util.Map<?, ?>) browser.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                fetch(arguments[0]).then(async r => {
                  const type = r.headers.get('content-type') || '';
                  const bytes = new Uint8Array(await r.arrayBuffer());
                  done({ status: r.status, type, first: Array.from(bytes.slice(0, 4)),
                         json: type.startsWith('application/json') ? JSON.parse(new TextDecoder().decode(bytes)) : null });
                });""", path);
    }

    /** An inspector of 东宝区: the audit from the navigation, the term of the worked example, both tiers, the downloads. */
    private void auditAt(int width) throws IOException {
        signInAt("/", width, "zhao.inspector");
        WebElement tab = waiting().until(d -> d.findElement(By.id("tab-audit")).isDisplayed() ? d.findElement(By.id("tab-audit")) : null);
        tab.click();
        waiting().until(d -> d.getCurrentUrl().contains("view=audit"));
        waiting().until(d -> d.findElement(By.cssSelector("button.preset[data-period='thisTerm']")).getAttribute("aria-pressed").equals("true"));
        // the worked example's term, typed as two dates
        js("document.getElementById('audit-period-from').value = '2025-02-01';"
                + "document.getElementById('audit-period-to').value = '2025-07-31';");
        browser.findElement(By.id("audit-apply")).click();
        waiting().until(d -> d.getCurrentUrl().contains("from=2025-02-01"));
        assertThat(browser.getCurrentUrl()).contains("view=audit", "p=range", "to=2025-07-31").doesNotContain("tier=");
        // the page of the term of today is replaced by the worked example's term once its audit is in
        waiting().until(d -> !d.findElements(By.cssSelector("section.audit-room[data-room='r1'] tr[data-week='2025-W10']")).isEmpty());
        WebElement r1 = browser.findElement(By.cssSelector("section.audit-room[data-room='r1']"));
        assertThat(r1.getText()).contains("东宝实验小学", "实验小学心理辅导室", "示范");
        assertThat(browser.findElements(By.cssSelector("section.audit-room"))).as("示范 rooms only, by default").hasSize(1);
        assertThat(browser.findElement(By.id("audit-school")).getText()).contains("东宝实验小学", "东宝二中").doesNotContain("掇刀");
        assertTheWeeksAreTheApis("from=2025-02-01&to=2025-07-31", 1);
        assertThat(r1.findElement(By.cssSelector("tr[data-week='2025-W10']")).getText()).contains("2025-W10", "1.8 / 10.0", "1/5");
        WebElement noData = r1.findElement(By.cssSelector("li[data-kind='NO_DATA_DAY'][data-unit='2025-03-04']"));
        assertThat(noData.getAttribute("textContent")).contains("无数据（学校日）", "2025-03-04");
        assertThat(r1.findElement(By.cssSelector("tr[data-week='2025-W11'] .v.NO_DATA")).getText()).isEqualTo("5");
        assertNoHorizontalOverflow(width);
        assertTapTargetsAreLargeEnough();
        screenshot("webui-audit-" + width);
        WebElement exceptions = r1.findElement(By.cssSelector("details.exceptions"));
        assertThat(exceptions.getAttribute("open")).as("152 exceptions start folded").isNull();
        exceptions.findElement(By.tagName("summary")).click();
        assertThat(noData.isDisplayed()).isTrue();
        assertNoHorizontalOverflow(width);
        screenshot("webui-audit-exceptions-" + width);

        browser.findElement(By.cssSelector("button.chip[data-tier='all']")).click();
        waiting().until(d -> d.findElements(By.cssSelector("section.audit-room")).size() == 2);
        assertThat(browser.getCurrentUrl()).contains("tier=all", "from=2025-02-01");
        assertTheWeeksAreTheApis("from=2025-02-01&to=2025-07-31&tier=all", 2);

        for (String[] link : new String[][] {{"download-csv", "text/csv; charset=UTF-8"}, {"download-pdf", "application/pdf"},
                {"download-bundle", "application/zip"}}) {
            String href = browser.findElement(By.id(link[0])).getAttribute("href");
            assertThat(href).contains("from=2025-02-01", "to=2025-07-31", "tier=all");
            java.util.Map<?, ?> answer = fetchInBrowser(href);
            assertThat(answer.get("status")).as(href).isEqualTo(200L);
            assertThat(answer.get("type")).as(href).isEqualTo(link[1]);
        }
        assertThat(fetchInBrowser(browser.findElement(By.id("download-csv")).getAttribute("href")).get("first"))
                .as("UTF-8 with a byte order mark").isEqualTo(List.of(0xEFL, 0xBBL, 0xBFL, (long) 'c'));

        browser.findElement(By.id("lang")).click();
        waiting().until(d -> d.findElement(By.cssSelector("h2[data-i18n='auditTitle']")).getText().equals("Term audit of the rooms"));
        String linked = browser.getCurrentUrl();
        browser.navigate().refresh();
        WebElement again = waiting().until(d -> d.findElements(By.cssSelector("section.audit-room[data-room='r2']")).stream().findFirst().orElse(null));
        assertThat(browser.getCurrentUrl()).isEqualTo(linked);
        assertThat(browser.findElement(By.cssSelector("button.chip[data-tier='all']")).getAttribute("aria-pressed")).isEqualTo("true");
        assertThat(again.findElement(By.cssSelector("li[data-kind='NO_DATA_DAY'][data-unit='2025-03-04']")).getAttribute("textContent"))
                .contains("no data (school day)");
        assertNoHorizontalOverflow(width);
        screenshot("webui-audit-en-" + width);

        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("audit-school"))).selectByValue("jm-db-002");
        waiting().until(d -> d.getCurrentUrl().contains("school=jm-db-002"));
        waiting().until(d -> d.findElements(By.cssSelector("section.audit-room")).size() == 1
                && !d.findElements(By.cssSelector("section.audit-room[data-room='r2']")).isEmpty());
        assertThat(browser.getCurrentUrl()).contains("tier=all", "from=2025-02-01");
        assertThat(browser.findElement(By.id("download-pdf")).getAttribute("href")).contains("school=jm-db-002", "format=pdf");
        browser.findElement(By.cssSelector("section.audit-room[data-room='r2'] a.roomlink")).click();
        waiting().until(d -> !d.findElements(By.cssSelector("#heatmap canvas")).isEmpty());
        assertThat(browser.getCurrentUrl()).contains("view=room", "room=r2", "from=2025-02-01", "to=2025-07-31");
    }

    /** Every room's every week row on the page shows the audit API's figures for the same query. */
    private static void assertTheWeeksAreTheApis(String query, int rooms) {
        java.util.Map<?, ?> answer = fetchInBrowser("/api/v1/audit?" + query + "&county=" + URLEncoder.encode("东宝区", StandardCharsets.UTF_8));
        List<?> apiRooms = (List<?>) ((java.util.Map<?, ?>) answer.get("json")).get("rooms");
        assertThat(apiRooms).hasSize(rooms);
        for (Object o : apiRooms) {
            java.util.Map<?, ?> room = (java.util.Map<?, ?>) o;
            WebElement section = browser.findElement(By.cssSelector("section.audit-room[data-room='" + room.get("room") + "']"));
            List<?> weeks = (List<?>) room.get("weeks");
            assertThat(section.findElements(By.cssSelector("tr[data-week]"))).hasSize(weeks.size());
            for (Object w : weeks) {
                java.util.Map<?, ?> week = (java.util.Map<?, ?>) w;
                String cells = section.findElement(By.cssSelector("tr[data-week='" + week.get("week") + "']")).getAttribute("textContent");
                assertThat(cells).as(room.get("room") + " " + week.get("week")).contains(
                        String.format(java.util.Locale.ROOT, "%.1f / %.1f", ((Number) week.get("attendedSeconds")).doubleValue() / 3600,
                                ((Number) week.get("requiredSeconds")).doubleValue() / 3600),
                        String.valueOf(week.get("schoolDays")));
                assertThat(section.findElement(By.cssSelector("tr[data-week='" + week.get("week") + "'] td:last-child .v"))
                        .getAttribute("class")).isEqualTo("v " + week.get("verdict"));
            }
            assertThat(section.findElements(By.cssSelector(".exceptions li"))).as("every exception")
                    .hasSize(((List<?>) room.get("exceptions")).size());
        }
    }

    @Test
    void anInspectorAuditsTheTermOnADesktop() throws IOException {
        auditAt(1280);
    }

    @Test
    void anInspectorAuditsTheTermOnAPhone() throws IOException {
        auditAt(390);
    }

    @Test
    void anItOperatorHasNoAuditLink() {
        signInAt("/", 1280, "qian.it");
        waiting().until(d -> !d.findElement(By.id("who")).getText().isEmpty());
        assertThat(browser.findElement(By.id("tab-audit")).isDisplayed()).isFalse();
        assertThat(browser.findElement(By.id("tab-rollup")).isDisplayed()).isFalse();
        browser.get(base() + "/?view=audit&from=2025-02-01&to=2025-07-31");
        WebElement error = waiting().until(d -> d.findElement(By.id("error")).isDisplayed() ? d.findElement(By.id("error")) : null);
        assertThat(error.getText()).contains("此账号的角色不能导出督导审计");
        assertThat(browser.findElements(By.cssSelector("section.audit-room"))).isEmpty();
    }

    /** The whole page (the window made as tall as the page for the shot, then as before). */
    private static void screenshot(String name) throws IOException {
        Dimension before = browser.manage().window().getSize();
        int height = ((Number) js("return document.documentElement.scrollHeight")).intValue();
        browser.manage().window().setSize(new Dimension(before.getWidth(), Math.min(6000, Math.max(before.getHeight(), height))));
        Path target = Path.of("target", "screenshots", name + ".png");
        Files.createDirectories(target.getParent());
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        browser.manage().window().setSize(before);
    }
}

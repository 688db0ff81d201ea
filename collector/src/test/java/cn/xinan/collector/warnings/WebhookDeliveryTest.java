package cn.xinan.collector.warnings;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Delivery to real HTTP servers standing in for the robots: each format's body, DingTalk's and Feishu's signatures
 * checked the way the robots check them, retries with backoff until a failing robot recovers (delivered once),
 * quiet hours, and a dead robot that never blocks the others.
 */
class WebhookDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final LocalDate WEDNESDAY = LocalDate.of(2025, 3, 12);
    private static final RobotSink.Answer WECOM_OK = new RobotSink.Answer(200, "{\"errcode\":0,\"errmsg\":\"ok\"}");
    private static final RobotSink.Answer FEISHU_OK = new RobotSink.Answer(200, "{\"code\":0,\"msg\":\"success\"}");

    /** Wednesday with the room never opened: today-behind is raised at the 16:30 checkpoint. */
    private static WarningFixture behindToday() {
        WarningFixture f = new WarningFixture(WEDNESDAY.atTime(16, 0));
        f.schoolDays(WEDNESDAY.minusWeeks(3), WEDNESDAY.minusDays(1), 150);
        f.day(WEDNESDAY, 0);
        return f;
    }

    private static WarningService service(WarningFixture f, WarningSettings settings) {
        return f.service(settings, WarningBook.inMemory(), new WebhookSender(f.clock));
    }

    private static JsonNode body(RobotSink.Request r) throws Exception {
        return JSON.readTree(r.body());
    }

    private static String hmacBase64(byte[] key, byte[] data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return Base64.getEncoder().encodeToString(mac.doFinal(data));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            out.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void eachRobotReceivesTheWarningInItsOwnFormatWithTheLinkToTheRoom() throws Exception {
        try (RobotSink wecom = new RobotSink(WECOM_OK); RobotSink dingtalk = new RobotSink(WECOM_OK);
             RobotSink feishu = new RobotSink(FEISHU_OK); RobotSink plain = new RobotSink(new RobotSink.Answer(204, ""))) {
            WarningFixture f = behindToday();
            WarningService service = service(f, WarningFixture.settings(
                    WarningFixture.target("wecom", WebhookFormat.WECOM, wecom.url("/cgi-bin/webhook/send?key=k1"), null),
                    WarningFixture.target("dingtalk", WebhookFormat.DINGTALK, dingtalk.url("/robot/send?access_token=t1"), null),
                    WarningFixture.target("feishu", WebhookFormat.FEISHU, feishu.url("/open-apis/bot/v2/hook/h1"), null),
                    WarningFixture.target("plain", WebhookFormat.JSON, plain.url("/xinan"), null)));

            f.run(service, WEDNESDAY.atTime(16, 45), Duration.ofMinutes(15));

            String link = "#room=" + WarningFixture.ROOM;
            JsonNode w = body(wecom.requests.getFirst());
            assertThat(wecom.requests).hasSize(1);
            assertThat(w.get("msgtype").asText()).isEqualTo("markdown");
            assertThat(w.at("/markdown/content").asText()).startsWith("**【心安提醒】今日开放不足｜东宝实验小学心理辅导室**")
                    .contains("还差 1.0 小时").contains(link);
            JsonNode d = body(dingtalk.requests.getFirst());
            assertThat(d.get("msgtype").asText()).isEqualTo("markdown");
            assertThat(d.at("/markdown/title").asText()).isEqualTo("【心安提醒】今日开放不足｜东宝实验小学心理辅导室");
            assertThat(d.at("/markdown/text").asText()).contains("每日要求 1.0 小时").contains(link);
            assertThat(dingtalk.requests.getFirst().query()).isEqualTo("access_token=t1");
            JsonNode fs = body(feishu.requests.getFirst());
            assertThat(fs.get("msg_type").asText()).isEqualTo("text");
            assertThat(fs.at("/content/text").asText()).contains("今日开放不足").contains(link);
            JsonNode p = body(plain.requests.getFirst());
            assertThat(p.get("kind").asText()).isEqualTo("day_behind");
            assertThat(p.get("room").asText()).isEqualTo(WarningFixture.ROOM);
            assertThat(p.get("county").asText()).isEqualTo("东宝区");
            assertThat(p.get("key").asText()).isEqualTo(WEDNESDAY.toString());
            assertThat(p.get("link").asText()).endsWith(link);
            assertThat(service.warnings()).singleElement().satisfies(x -> assertThat(x.deliveries())
                    .allSatisfy(del -> assertThat(del.state()).isEqualTo(Delivery.State.DELIVERED)));
        }
    }

    @Test
    void dingTalksSignedModeCarriesTheTimestampAndTheSignatureDingTalkComputes() throws Exception {
        String secret = "SEC0123456789abcdef";
        try (RobotSink dingtalk = new RobotSink(WECOM_OK)) {
            WarningFixture f = behindToday();
            WarningService service = service(f, WarningFixture.settings(
                    WarningFixture.target("dingtalk", WebhookFormat.DINGTALK, dingtalk.url("/robot/send?access_token=t1"), secret)));

            f.run(service, WEDNESDAY.atTime(16, 30), Duration.ofMinutes(15));

            Map<String, String> q = query(dingtalk.requests.getFirst().query());
            assertThat(q.get("access_token")).isEqualTo("t1");
            long ts = Long.parseLong(q.get("timestamp"));
            // DingTalk refuses a timestamp more than an hour from its own clock, then compares the signature
            assertThat(Math.abs(ts - f.clock.millis())).isLessThan(3_600_000L);
            String expected = hmacBase64(secret.getBytes(StandardCharsets.UTF_8),
                    (ts + "\n" + secret).getBytes(StandardCharsets.UTF_8));
            assertThat(q.get("sign")).isEqualTo(expected);
        }
    }

    @Test
    void feishusSignedModeCarriesTheTimestampAndTheSignatureFeishuComputes() throws Exception {
        String secret = "feishu-secret";
        try (RobotSink feishu = new RobotSink(FEISHU_OK)) {
            WarningFixture f = behindToday();
            WarningService service = service(f, WarningFixture.settings(
                    WarningFixture.target("feishu", WebhookFormat.FEISHU, feishu.url("/open-apis/bot/v2/hook/h1"), secret)));

            f.run(service, WEDNESDAY.atTime(16, 30), Duration.ofMinutes(15));

            JsonNode b = body(feishu.requests.getFirst());
            long ts = Long.parseLong(b.get("timestamp").asText());
            assertThat(Math.abs(ts - f.clock.millis() / 1000)).isLessThan(3_600L);
            String expected = hmacBase64((ts + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]);
            assertThat(b.get("sign").asText()).isEqualTo(expected);
        }
    }

    @Test
    void aRobotThatFailsThreeTimesAndThenRecoversGetsTheWarningOnceWithBackoffBetweenAttempts() throws Exception {
        try (RobotSink flaky = new RobotSink(WECOM_OK)) {
            flaky.thenAnswer(new RobotSink.Answer(500, "busy"), new RobotSink.Answer(502, "bad gateway"),
                    new RobotSink.Answer(200, "{\"errcode\":45009,\"errmsg\":\"api freq out of limit\"}"));
            WarningFixture f = behindToday();
            WarningService service = service(f, WarningFixture.settings(
                    WarningFixture.target("wecom", WebhookFormat.WECOM, flaky.url("/cgi-bin/webhook/send?key=k1"), null)));

            f.run(service, WEDNESDAY.atTime(16, 30), Duration.ofMinutes(15));
            assertThat(flaky.requests).hasSize(1);
            f.run(service, WEDNESDAY.atTime(16, 45), Duration.ofSeconds(30));

            // attempts at 16:30, 16:31, 16:33, 16:37 (1, 2 and 4 minutes apart); the fourth is accepted
            assertThat(flaky.requests).hasSize(4);
            Delivery d = service.warnings().getFirst().deliveries().getFirst();
            assertThat(d.state()).isEqualTo(Delivery.State.DELIVERED);
            assertThat(d.attempts()).isEqualTo(4);
            assertThat(d.doneAt()).isEqualTo(WEDNESDAY.atTime(16, 37).atZone(WarningFixture.ZONE).toInstant());
            assertThat(d.lastError()).contains("45009");
        }
    }

    @Test
    void nothingIsDeliveredInQuietHoursAndWhatWaitedGoesOutWhenTheyEnd() throws Exception {
        try (RobotSink robot = new RobotSink(WECOM_OK)) {
            WarningFixture f = behindToday();
            WarningSettings settings = WarningFixture.settings(
                            WarningFixture.target("wecom", WebhookFormat.WECOM, robot.url("/send?key=k"), null))
                    .withQuietHours(Optional.of(new QuietHours(LocalTime.of(16, 0), LocalTime.of(17, 0))));
            WarningService service = service(f, settings);

            f.run(service, WEDNESDAY.atTime(16, 55), Duration.ofMinutes(5));
            assertThat(robot.requests).isEmpty();
            assertThat(service.warnings()).singleElement().satisfies(w -> assertThat(w.deliveries().getFirst().state())
                    .isEqualTo(Delivery.State.PENDING));

            f.run(service, WEDNESDAY.atTime(17, 0), Duration.ofMinutes(5));
            assertThat(robot.requests).hasSize(1);
        }
    }

    @Test
    void aDeadRobotIsGivenUpAfterItsAttemptsWhileTheOthersAreServed() throws Exception {
        try (RobotSink alive = new RobotSink(new RobotSink.Answer(200, "{}"))) {
            WarningFixture f = behindToday();
            WarningSettings defaults = WarningFixture.settings(
                    WarningFixture.target("dead", WebhookFormat.JSON, "http://127.0.0.1:9/nobody", null),
                    WarningFixture.target("alive", WebhookFormat.JSON, alive.url("/x"), null));
            WarningSettings settings = new WarningSettings(defaults.evaluateEvery(), defaults.openingHours(), Map.of(),
                    defaults.dayCheckpointLead(), defaults.deviceSilentAfter(), defaults.usualSchoolDays(),
                    Optional.empty(), Optional.empty(), Duration.ofMinutes(1), Duration.ofMinutes(2), 3,
                    defaults.linkBase(), defaults.targets());
            WarningService service = service(f, settings);

            f.run(service, WEDNESDAY.atTime(16, 40), Duration.ofMinutes(1));

            assertThat(alive.requests).hasSize(1);
            Map<String, Delivery.State> states = new HashMap<>();
            service.warnings().getFirst().deliveries().forEach(d -> states.put(d.target(), d.state()));
            assertThat(states).containsEntry("alive", Delivery.State.DELIVERED).containsEntry("dead", Delivery.State.FAILED);
        }
    }

    @Test
    void aSchoolsDailyDigestListsTheDaysWarningsOnceOnASchoolDay() throws Exception {
        try (RobotSink robot = new RobotSink(WECOM_OK)) {
            WarningFixture f = behindToday();
            WarningSettings settings = WarningFixture.settings(new WebhookTarget("school", WarningScope.parse("school:jm-db-001"),
                            WebhookFormat.WECOM, java.net.URI.create(robot.url("/send?key=k")), Optional.empty()))
                    .withDigestAt(Optional.of(LocalTime.of(17, 45)));
            WarningService service = service(f, settings);

            f.run(service, WEDNESDAY.atTime(18, 30), Duration.ofMinutes(15));

            assertThat(robot.requests).hasSize(2);
            String digest = body(robot.requests.get(1)).at("/markdown/content").asText();
            assertThat(digest).startsWith("**【心安每日汇总】jm-db-001 2025-03-12**")
                    .contains("东宝实验小学心理辅导室：今日开放不足（未解除）");
            assertThat(service.digests()).singleElement().satisfies(g -> assertThat(g.date()).isEqualTo(WEDNESDAY));
        }
    }

    @Test
    void aTargetOfAnotherCountyHearsNothing() throws Exception {
        try (RobotSink robot = new RobotSink(WECOM_OK)) {
            WarningFixture f = behindToday();
            WarningService service = service(f, WarningFixture.settings(new WebhookTarget("other", WarningScope.parse("county:掇刀区"),
                    WebhookFormat.WECOM, java.net.URI.create(robot.url("/send?key=k")), Optional.empty())));

            f.run(service, WEDNESDAY.atTime(17, 0), Duration.ofMinutes(15));

            assertThat(service.warnings()).hasSize(1);
            assertThat(service.warnings().getFirst().deliveries()).isEmpty();
            assertThat(robot.requests).isEmpty();
        }
    }

    @Test
    void settingsRefuseWhatCannotWork() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WebhookFormat.parse("slack"))
                .hasMessageContaining("webhook type 'slack' is not one of wecom, dingtalk, feishu, json");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> WarningScope.parse("province"))
                .hasMessageContaining("scope 'province' is not city, county:NAME or school:ID");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> OpeningHours.parse("17:00-08:00"))
                .hasMessageContaining("opening hours must end after they start");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new WebhookTarget("w", WarningScope.parse("city"),
                        WebhookFormat.WECOM, java.net.URI.create("http://x/"), Optional.of("s")))
                .hasMessageContaining("only dingtalk and feishu robots take a secret");
    }
}

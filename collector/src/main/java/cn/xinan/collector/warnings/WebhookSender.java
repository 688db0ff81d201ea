package cn.xinan.collector.warnings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Posts a {@link Message} to a group robot in its own format (docs/warnings.md shows each body):
 * <ul>
 *   <li>企业微信: {@code {"msgtype":"markdown","markdown":{"content":…}}}; success is {@code errcode 0}.</li>
 *   <li>钉钉: {@code {"msgtype":"markdown","markdown":{"title":…,"text":…}}}; with a secret, the URL gets
 *   {@code &timestamp=MS&sign=S} where S is the URL-encoded Base64 of HmacSHA256(secret, "MS\nsecret"), as DingTalk's
 *   加签 mode checks it; success is {@code errcode 0}.</li>
 *   <li>飞书: {@code {"msg_type":"text","content":{"text":…}}}; with a secret the body gets {@code timestamp} (seconds)
 *   and {@code sign} = Base64 of HmacSHA256 keyed with "S\nsecret" over nothing, as Feishu checks it; success is
 *   {@code code 0}.</li>
 *   <li>JSON: the message's fields as one object; success is any 2xx.</li>
 * </ul>
 * Any other answer, a time-out or a refused connection is a {@link DeliveryException}; the caller retries. An
 * {@link WebhookFormat#EMAIL e-mail} target goes through {@link MailSender} (SMTP) instead.
 */
public final class WebhookSender implements WarningService.Sender {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final Clock clock;
    private final MailSender mail;

    public WebhookSender(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock is missing");
        this.mail = new MailSender(clock);
        this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void send(WebhookTarget target, Message message) throws DeliveryException {
        if (target.format() == WebhookFormat.EMAIL) {
            mail.send(target, message);
            return;
        }
        URI uri = target.url();
        Map<String, Object> body = new LinkedHashMap<>();
        String content = message.text() + "\n\n[查看详情](" + message.link() + ")";
        switch (target.format()) {
            case WECOM -> {
                body.put("msgtype", "markdown");
                body.put("markdown", Map.of("content", "**" + message.title() + "**\n" + content));
            }
            case DINGTALK -> {
                body.put("msgtype", "markdown");
                body.put("markdown", Map.of("title", message.title(), "text", "#### " + message.title() + "\n" + content));
                if (target.secret().isPresent()) {
                    long ms = clock.millis();
                    String sign = URLEncoder.encode(dingTalkSign(ms, target.secret().get()), StandardCharsets.UTF_8);
                    String sep = uri.getRawQuery() == null ? "?" : "&";
                    uri = URI.create(uri + sep + "timestamp=" + ms + "&sign=" + sign);
                }
            }
            case FEISHU -> {
                if (target.secret().isPresent()) {
                    long seconds = clock.millis() / 1000;
                    body.put("timestamp", Long.toString(seconds));
                    body.put("sign", feishuSign(seconds, target.secret().get()));
                }
                body.put("msg_type", "text");
                body.put("content", Map.of("text", message.title() + "\n" + message.text() + "\n" + message.link()));
            }
            case JSON -> {
                body.put("id", message.id());
                body.put("title", message.title());
                body.put("text", message.text());
                body.put("link", message.link());
                body.putAll(message.fields());
            }
            case EMAIL -> throw new IllegalStateException("an e-mail target is sent by the mail sender");
        }
        HttpResponse<String> response = post(target, uri, body);
        check(target, response);
    }

    /** DingTalk's 加签: Base64(HmacSHA256(key = secret, data = timestamp + "\n" + secret)), before URL encoding. */
    public static String dingTalkSign(long timestampMillis, String secret) {
        return hmacBase64(secret.getBytes(StandardCharsets.UTF_8),
                (timestampMillis + "\n" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** Feishu's 签名校验: Base64(HmacSHA256(key = timestamp + "\n" + secret, data = nothing)). */
    public static String feishuSign(long timestampSeconds, String secret) {
        return hmacBase64((timestampSeconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]);
    }

    private static String hmacBase64(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
        }
    }

    private HttpResponse<String> post(WebhookTarget target, URI uri, Map<String, Object> body) throws DeliveryException {
        byte[] json;
        try {
            json = MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a webhook body: " + e.getMessage(), e);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DeliveryException("target " + target.name() + " unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("target " + target.name() + ": interrupted", e);
        }
    }

    private static void check(WebhookTarget target, HttpResponse<String> response) throws DeliveryException {
        if (response.statusCode() / 100 != 2) {
            throw new DeliveryException("target " + target.name() + " answered HTTP " + response.statusCode());
        }
        String codeField = switch (target.format()) {
            case WECOM, DINGTALK -> "errcode";
            case FEISHU -> "code";
            case JSON, EMAIL -> null;
        };
        if (codeField == null) {
            return;
        }
        JsonNode answer;
        try {
            answer = MAPPER.readTree(response.body());
        } catch (JsonProcessingException e) {
            throw new DeliveryException("target " + target.name() + " answered something that is not JSON");
        }
        JsonNode code = answer == null ? null : answer.get(codeField);
        if (code == null || code.asLong(-1) != 0) {
            throw new DeliveryException("target " + target.name() + " refused the message: " + abbreviate(response.body()));
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "…";
    }
}

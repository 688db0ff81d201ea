package cn.xinan.collector.access;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The sign-in page ({@code web/signin.html}), Chinese first, English with {@code ?lang=en}; values HTML-escaped. */
final class SignInPage {
    private static final Map<String, Map<String, String>> TEXT = Map.of(
            "zh", Map.of("htmlLang", "zh-CN", "title", "登录", "heading", "心安 · 登录", "user", "用户名", "password", "密码",
                    "submit", "登录", "switch", "English", "note", "账号由区县或市教育局的管理员开设。忘记密码请联系管理员重置。"),
            "en", Map.of("htmlLang", "en", "title", "Sign in", "heading", "Xin'an · Sign in", "user", "User name",
                    "password", "Password", "submit", "Sign in", "switch", "中文",
                    "note", "Accounts are opened by your county's or the bureau's administrator; ask them to reset a forgotten password."));
    private static final Map<String, Map<String, String>> ERRORS = Map.of(
            "zh", Map.of("wrong", "用户名或密码错误。", "locked", "尝试次数过多，该账号已暂时锁定，请稍后再试。",
                    "rate", "登录尝试过于频繁，请一分钟后再试。", "expired", "页面已过期，请重新登录。"),
            "en", Map.of("wrong", "Wrong user name or password.", "locked", "Too many failed attempts: this account is locked for a while.",
                    "rate", "Too many sign-in attempts: try again in a minute.", "expired", "The page expired: please sign in again."));

    private final String template;

    SignInPage() {
        try (InputStream in = SignInPage.class.getResourceAsStream("/cn/xinan/collector/web/signin.html")) {
            if (in == null) {
                throw new IllegalStateException("web UI resource signin.html is missing from the build");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @param error {@code wrong}, {@code locked}, {@code rate}, {@code expired} or null */
    void send(ServerResponse res, Status status, String lang, String csrf, String next, String error) {
        Map<String, String> t = TEXT.get(lang);
        String other = lang.equals("zh") ? "en" : "zh";
        String html = template;
        for (Map.Entry<String, String> e : t.entrySet()) {
            html = html.replace("{{" + e.getKey() + "}}", escape(e.getValue()));
        }
        html = html.replace("{{lang}}", lang)
                .replace("{{csrf}}", escape(csrf))
                .replace("{{next}}", escape(next))
                .replace("{{switchHref}}", escape("/signin?lang=" + other + "&next=" + URLEncoder.encode(next, StandardCharsets.UTF_8)))
                .replace("{{error}}", error == null ? "" : escape(ERRORS.get(lang).get(error)))
                .replace("{{errorHidden}}", error == null ? "hidden" : "");
        res.status(status)
                .header(HeaderNames.CONTENT_TYPE, "text/html; charset=UTF-8")
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .header(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff")
                .header(HeaderNames.create("X-Frame-Options"), "DENY")
                .header(HeaderNames.create("Content-Security-Policy"), "default-src 'self'; frame-ancestors 'none'; form-action 'self'")
                .send(html.getBytes(StandardCharsets.UTF_8));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}

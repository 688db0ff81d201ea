package cn.xinan.collector.warnings;

import java.util.Locale;

/** The group-robot formats a warning can be delivered in (docs/warnings.md shows each body). */
public enum WebhookFormat {
    /** 企业微信 group robot: markdown message; the key is part of the URL. */
    WECOM,
    /** 钉钉 custom robot: markdown message; with a secret, signed with HmacSHA256 in the URL (加签). */
    DINGTALK,
    /** 飞书 custom bot: text message; with a secret, signed in the body (签名校验). */
    FEISHU,
    /** A plain JSON object with every field, for the bureau's own systems. */
    JSON,
    /** An e-mail over SMTP ({@link MailSender}): the title as subject, the text and link as body, UTF-8. */
    EMAIL;

    public static WebhookFormat parse(String text) {
        String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
        for (WebhookFormat f : values()) {
            if (f.name().equals(t)) {
                return f;
            }
        }
        throw new IllegalArgumentException("webhook type '" + text + "' is not one of wecom, dingtalk, feishu, json, email");
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}

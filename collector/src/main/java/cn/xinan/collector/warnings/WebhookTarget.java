package cn.xinan.collector.warnings;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Where warnings for a scope go.
 *
 * @param name   a short name for logs and the API (the URL holds a secret key and is never shown)
 * @param scope  whose rooms it hears about
 * @param format the robot's message format
 * @param url    the robot's webhook address
 * @param secret the signing secret (DingTalk 加签, Feishu 签名校验), if the robot has one
 * @param kinds  the kinds of warning it hears about; empty = every kind (and the daily digest, which goes only to
 *               targets that hear every kind). An IT operators' robot takes the device kinds only.
 * @param mail   for an {@link WebhookFormat#EMAIL e-mail} target (URL {@code smtp://[user@]host[:port]} or
 *               {@code smtps://…}, {@code secret} = the SMTP password): the sender and the recipients; empty otherwise
 */
public record WebhookTarget(String name, WarningScope scope, WebhookFormat format, URI url, Optional<String> secret,
                            java.util.Set<WarningKind> kinds, Optional<MailRecipients> mail) {
    public WebhookTarget {
        Objects.requireNonNull(name, "name is missing");
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("target name '" + name + "' must be 1 to 64 of A-Z a-z 0-9 . _ -");
        }
        Objects.requireNonNull(scope, "scope is missing");
        Objects.requireNonNull(format, "format is missing");
        Objects.requireNonNull(url, "url is missing");
        Objects.requireNonNull(mail, "mail is missing (use Optional.empty())");
        if (format == WebhookFormat.EMAIL) {
            if ((!"smtp".equals(url.getScheme()) && !"smtps".equals(url.getScheme())) || url.getHost() == null) {
                throw new IllegalArgumentException("target " + name + ": an e-mail target's url must be smtp://host:port "
                        + "or smtps://host:port");
            }
            if (mail.isEmpty()) {
                throw new IllegalArgumentException("target " + name + ": an e-mail target needs from and to");
            }
        } else {
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
                throw new IllegalArgumentException("target " + name + ": url must be http or https, was " + url);
            }
            if (mail.isPresent()) {
                throw new IllegalArgumentException("target " + name + ": only an email target takes from and to");
            }
        }
        Objects.requireNonNull(secret, "secret is missing (use Optional.empty())");
        if (secret.isPresent() && format != WebhookFormat.DINGTALK && format != WebhookFormat.FEISHU
                && format != WebhookFormat.EMAIL) {
            throw new IllegalArgumentException("target " + name + ": only dingtalk and feishu robots take a secret (and "
                    + "email, its SMTP password)");
        }
        kinds = java.util.Set.copyOf(Objects.requireNonNull(kinds, "kinds are missing (empty: every kind)"));
    }

    /** A robot that hears about every kind of warning. */
    public WebhookTarget(String name, WarningScope scope, WebhookFormat format, URI url, Optional<String> secret) {
        this(name, scope, format, url, secret, java.util.Set.of(), Optional.empty());
    }

    /** A robot that hears about {@code kinds} (empty: every kind). */
    public WebhookTarget(String name, WarningScope scope, WebhookFormat format, URI url, Optional<String> secret,
                         java.util.Set<WarningKind> kinds) {
        this(name, scope, format, url, secret, kinds, Optional.empty());
    }

    /** Whether it hears about warnings of {@code kind}. */
    public boolean hears(WarningKind kind) {
        return kinds.isEmpty() || kinds.contains(kind);
    }

    /** Whether it gets the daily digest: only a target that hears every kind does. */
    public boolean getsDigest() {
        return kinds.isEmpty();
    }

    /**
     * Parses a comma-separated list of kind names ({@code sensor_stuck, clock_unsynced}).
     *
     * @throws IllegalArgumentException naming the unknown kind and listing the known ones
     */
    public static java.util.Set<WarningKind> parseKinds(String text) {
        java.util.Set<WarningKind> out = java.util.EnumSet.noneOf(WarningKind.class);
        for (String part : text.split(",")) {
            String name = part.strip();
            out.add(java.util.Arrays.stream(WarningKind.values()).filter(k -> k.wireName().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("kind '" + name + "' is not one of "
                            + String.join(", ", java.util.Arrays.stream(WarningKind.values()).map(WarningKind::wireName).toList()))));
        }
        return out;
    }

    /** Logged with the configuration: the URL's key and the secret masked. */
    @Override
    public String toString() {
        return "WebhookTarget[name=" + name + ", scope=" + scope + ", format=" + format.wireName() + ", url="
                + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "/***"
                + (secret.isPresent() ? ", secret=***" : "")
                + (kinds.isEmpty() ? "" : ", kinds=" + kinds.stream().map(WarningKind::wireName).sorted().toList())
                + mail.map(m -> ", mail to " + m.to().size() + " recipients").orElse("") + "]";
    }
}
